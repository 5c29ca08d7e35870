import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppOptions } from '../app.js';
import { keyCheck } from '../security/auth.js';

// GET /: the web playground for a browser (Accept: text/html), a short text index for everyone else.
// The playground's files are built from web/ by `npm run build:web` into dist/web and shipped in the package;
// this serves that folder's few files, read once at start, by name from a fixed list: nothing outside it.

/** dist/web, from dist/src/server/routes/playground.js. */
export const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The page calls this server only; no inline script, no other origin. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
  + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface WebFile {
  body: Buffer;
  type: string;
  etag: string;
}

/** Every file of dist/web by name (the folder is flat); empty when the playground was not built. */
export function readWebFiles(dir = WEB_DIR): Map<string, WebFile> {
  const files = new Map<string, WebFile>();
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return files;
  }
  for (const name of names) {
    const type = TYPES[extname(name)];
    if (!type || !/^[\w.-]+$/.test(name)) continue;
    const body = readFileSync(join(dir, name));
    files.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return files;
}

/** True when the client asks for HTML before plain text or anything else (a browser's navigation). */
export function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = -1;
  let other = -1;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (range === 'text/html' || range === 'application/xhtml+xml') html = Math.max(html, q);
    else if (range === 'text/plain' || range === '*/*' || range === 'text/*') other = Math.max(other, range === '*/*' ? q - 0.001 : q);
  }
  return html > 0 && html >= other;
}

/** A hashed name (app-3f2a9c1b.js) never changes content: cached for a year. Anything else is revalidated. */
const immutable = (name: string) => /-[A-Za-z0-9_]{8,}\.\w+$/.test(name);

function sendFile(request: FastifyRequest, reply: FastifyReply, name: string, file: WebFile): FastifyReply {
  void reply.header('etag', file.etag)
    .header('cache-control', immutable(name) ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('vary', 'accept');
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  return reply.type(file.type).send(file.body);
}

export async function playgroundRoutes(app: FastifyInstance, options: AppOptions & { webDir?: string }): Promise<void> {
  const { modules } = options;
  const files = readWebFiles(options.webDir);
  const index = files.get('index.html');
  // The page itself holds no data (it asks /modules, with the key typed into it), so it may be served to a
  // browser that has no way to send a key; the text index lists the modules, so it asks for the key itself.
  const checkKey = keyCheck(options.apiKeys ?? []);

  app.get('/', async (request, reply) => {
    if (index && wantsHtml(request.headers.accept)) {
      void reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
      return sendFile(request, reply, 'index.html', index);
    }
    const refused = checkKey(request.headers);
    if (refused) throw refused;
    const lines = [...modules.values()].map(({ definition: { manifest } }) =>
      `  POST /predict/${manifest.name}   ${manifest.summary}\n    e.g. ${JSON.stringify(manifest.example)}`);
    const web = index ? 'open / in a browser for the playground' : 'the playground is not built (npm run build:web)';
    return reply.type('text/plain; charset=utf-8').header('vary', 'accept').send(
      `Hub Serving\n\nModules:\n${lines.join('\n')}\n\nAlso: GET /modules, /healthz, /readyz, /metrics, /openapi.json, /docs; ${web}\n`);
  });

  // The page's own files, by exact name; a name not in dist/web is a 404 like any unknown route.
  app.get<{ Params: { file: string } }>('/web/:file', async (request, reply) => {
    const name = request.params.file;
    const file = name !== 'index.html' ? files.get(name) : undefined;
    if (!file) return reply.callNotFound();
    return sendFile(request, reply, name, file);
  });
}
