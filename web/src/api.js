// The public API, as any client calls it: GET /modules and POST /predict/<module> with a JSON body.

const headersFor = (key, json) => {
  const headers = { accept: 'application/json' };
  if (json) headers['content-type'] = 'application/json';
  if (key) headers.authorization = `Bearer ${key}`;
  return headers;
};

/** The message of a reply that is not a success: the envelope's msg, or whatever the body says. */
function messageOf(body, text, response) {
  if (body && typeof body === 'object') {
    for (const k of ['msg', 'message', 'error']) if (typeof body[k] === 'string' && body[k]) return body[k];
  }
  return (text || '').slice(0, 1000) || `${response.status} ${response.statusText}`;
}

export async function loadModules(key) {
  let response;
  try {
    response = await fetch('/modules', { headers: headersFor(key, false), cache: 'no-store' });
  } catch (error) {
    return { ok: false, msg: `cannot reach the server: ${error.message}` };
  }
  const text = await response.text();
  let body;
  try { body = JSON.parse(text); } catch { body = undefined; }
  if (!response.ok || !Array.isArray(body)) return { ok: false, http: response.status, msg: messageOf(body, text, response) };
  return { ok: true, modules: body };
}

/** Server-Timing: `queue;dur=0.1, infer;dur=40.2, total;dur=41.0` to [{name, dur, desc}]. */
export function parseServerTiming(header) {
  if (!header) return [];
  return header.split(',').map((entry) => {
    const [name, ...params] = entry.trim().split(';');
    const metric = { name: name.trim(), dur: undefined, desc: '' };
    for (const p of params) {
      const [k, v = ''] = p.trim().split('=');
      if (k === 'dur') metric.dur = Number(v);
      else if (k === 'desc') metric.desc = v.replace(/^"|"$/g, '');
    }
    return metric;
  }).filter((m) => m.name);
}

export async function predict(module, body, key) {
  const started = performance.now();
  let response;
  try {
    response = await fetch(`/predict/${encodeURIComponent(module)}`, { method: 'POST', headers: headersFor(key, true), body: JSON.stringify(body) });
  } catch (error) {
    return { ok: false, msg: `cannot reach the server: ${error.message}`, latency: performance.now() - started, timing: [] };
  }
  const text = await response.text();
  const latency = performance.now() - started;
  let envelope;
  try { envelope = JSON.parse(text); } catch { envelope = undefined; }
  const timing = parseServerTiming(response.headers.get('server-timing'));
  const base = { http: response.status, latency, timing, bytes: text.length };
  if (envelope && typeof envelope === 'object' && 'status' in envelope && 'msg' in envelope) {
    const ok = response.ok && envelope.status === '000';
    return { ...base, ok, status: envelope.status, msg: ok ? '' : messageOf(envelope, text, response), results: envelope.results };
  }
  return { ...base, ok: false, msg: messageOf(envelope, text, response) };
}
