// GET /docs: the OpenAPI document as one HTML page, rendered here from the document itself: no script, no CDN,
// nothing fetched by the browser. Every text from a schema or a module is escaped.

type Json = Record<string, unknown>;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page allows no script at all; its one stylesheet is inline. */
export const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.5rem}section{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.m{display:inline-block;min-width:3.5rem;font-weight:700;color:#fff;border-radius:4px;padding:0 .4rem;text-align:center;margin-right:.5rem}
.get{background:#0969da}.post{background:#1a7f37}code,pre{font:13px ui-monospace,monospace}pre{background:#f6f8fa;padding:.6rem;overflow:auto;border-radius:4px}
table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #eaeef2;padding:.25rem .5rem;text-align:left;vertical-align:top}`;

function typeOf(schema: Json): string {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map(typeOf).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  const type = Array.isArray(schema.type) ? (schema.type as string[]).join(' | ') : (schema.type as string | undefined) ?? 'any';
  if (type === 'array' && schema.items) return `list of ${typeOf(schema.items as Json)}`;
  const range = [schema.minimum !== undefined ? `>= ${schema.minimum}` : '', schema.maximum !== undefined ? `<= ${schema.maximum}` : '',
    schema.maxItems !== undefined ? `at most ${schema.maxItems}` : ''].filter(Boolean).join(', ');
  return range ? `${type} (${range})` : type;
}

function properties(schema: Json): string {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = Object.entries(props).map(([name, p]) =>
    `<tr><td><code>${escape(name)}</code>${required.has(name) ? ' *' : ''}</td><td>${escape(typeOf(p))}</td><td>${escape(String(p.description ?? ''))}</td></tr>`);
  return rows.length ? `<table><tr><th>field</th><th>type</th><th>meaning</th></tr>${rows.join('')}</table>` : '';
}

function operation(path: string, method: string, op: Json, origin: string): string {
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const json = body?.['application/json'];
  const responses = Object.entries((op.responses ?? {}) as Record<string, Json>)
    .map(([code, r]) => `<li><code>${escape(code)}</code> ${escape(String(r.description ?? ''))}</li>`).join('');
  const example = json?.example;
  const curl = method === 'post'
    ? `curl -H 'Content-Type: application/json' -d '${JSON.stringify(example ?? {})}' ${origin}${path}`
    : `curl ${origin}${path}`;
  return `<section id="${escape(`${method}-${path}`)}"><h3><span class="m ${method}">${method.toUpperCase()}</span><code>${escape(path)}</code></h3>
<p>${escape(String(op.summary ?? ''))}</p>${op.description ? String(op.description).split('\n\n').map((p) => `<p>${escape(p)}</p>`).join('') : ''}
${json ? `<h4>Request body</h4>${properties(json.schema as Json)}` : ''}${example !== undefined ? `<h4>Example</h4><pre>${escape(JSON.stringify(example, null, 2))}</pre>` : ''}
<h4>Replies</h4><ul>${responses}</ul><pre>${escape(curl.replace(/\{(\w+)\}/g, '<$1>'))}</pre></section>`;
}

export function docsPage(document: Json, origin: string): string {
  const info = document.info as Json;
  const groups = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = ((op.tags as string[] | undefined) ?? ['Other'])[0]!;
      groups.set(tag, [...(groups.get(tag) ?? []), operation(path, method, op, origin)]);
    }
  }
  const keyNote = document.security
    ? '<p>Every route but the probes needs the API key: <code>Authorization: Bearer &lt;key&gt;</code> or <code>X-Api-Key: &lt;key&gt;</code>.</p>' : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(String(info.title))} API</title><style>${STYLE}</style></head><body>
<h1>${escape(String(info.title))} ${escape(String(info.version))}: API</h1><p>${escape(String(info.description ?? ''))}</p>${keyNote}
<p>The same as a document: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Try the modules in the <a href="/">playground</a>.</p>
${[...groups].map(([tag, ops]) => `<h2>${escape(tag)}</h2>${ops.join('\n')}`).join('\n')}
</body></html>`;
}
