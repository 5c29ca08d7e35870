import assert from 'node:assert/strict';
import { request as httpRequest, validateHeaderName, validateHeaderValue } from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { connect } from 'node:net';
import { send, startEchoServer, type EchoServer } from './echo-app.js';

// Property-based fuzzing of the HTTP surface: bodies, headers, paths and methods drawn by fast-check, sent over
// real HTTP on loopback to a server built by buildApp with a small module. Whatever arrives, the server must
// not crash and must answer with 200 or a 4xx/5xx whose body is the envelope ({"msg", "results", "status"}),
// with no stack trace; afterwards it still answers a normal request. The number of runs of each property is a
// constant (about 16,000 requests: some 10 s on a 2-core machine), so what is tested does not depend on the machine.

const BODY_RUNS = 5000;
const HEADER_RUNS = 2500;
const SECURED_RUNS = 1500;
const PATH_RUNS = 4000;
const METHOD_RUNS = 1500;
const RAW_RUNS = 1500;
/** Every request answers within this, or the property fails. */
const REPLY_TIMEOUT_MS = 15_000;
const BODY_LIMIT = 64 * 1024;

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function call(port: number, request: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: request.method, path: request.path,
      headers: { host: `127.0.0.1:${port}`, ...request.headers }, setHost: false, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    req.setTimeout(REPLY_TIMEOUT_MS, () => req.destroy(new Error(`no reply within ${REPLY_TIMEOUT_MS} ms`)));
    // A refusal sent before the body is read may close the connection under a long upload: the reply counts.
    req.on('error', reject);
    req.end(request.body);
  });
}

/** Writes `request` on a fresh connection and returns everything the server sends until it closes (bounded). */
function rawExchange(port: number, request: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the connection was not closed within ${REPLY_TIMEOUT_MS} ms; received ${Buffer.concat(chunks).toString('latin1').slice(0, 300)}`));
    }, REPLY_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

const STACK = /\n\s+at \S|node_modules|\.(ts|js):\d+/;

/** What every answer must be: 200 or 4xx/5xx; the envelope for errors and predictions; never a stack trace. */
function checkAnswer(request: Sent, answer: Answer): void {
  const where = `${request.method} ${request.path.slice(0, 120)} -> ${answer.status} ${answer.text.slice(0, 300)}`;
  assert.ok(answer.status === 200 || answer.status === 204 || (answer.status >= 400 && answer.status <= 599), where);
  assert.ok(answer.headers['x-request-id'], `X-Request-Id on ${where}`);
  if (request.method === 'HEAD' || answer.status === 204) return;
  const route = request.path.split('?')[0]!;
  const envelopeExpected = answer.status >= 400 || route.startsWith('/predict/');
  if (envelopeExpected) {
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      assert.fail(`not JSON: ${where}`);
    }
    const envelope = body as { msg?: unknown; results?: unknown; status?: unknown };
    assert.equal(typeof envelope.msg, 'string', where);
    assert.equal(typeof envelope.status, 'string', where);
    assert.ok('results' in envelope, where);
    assert.match(envelope.status as string, /^\d{3}$/, where);
    if (answer.status >= 400) {
      assert.notEqual(envelope.status, '000', where);
      assert.doesNotMatch(envelope.msg as string, STACK, where);
    } else {
      assert.equal(envelope.status, '000', where);
    }
  } else {
    assert.doesNotMatch(answer.text, /\n\s+at \S+ \(/, where);
  }
}

// ---- what is drawn ----

const contentTypes = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'text/plain; charset=latin1',
    'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=fuzz', 'multipart/form-data; boundary=',
    'application/octet-stream', 'image/png', '*/*', 'application/json; charset=utf-16', 'application/vnd.api+json', ';', ''),
  fc.string({ maxLength: 40 }).filter(headerValueOk),
);

function headerValueOk(value: string): boolean {
  try {
    validateHeaderValue('x', value);
    return true;
  } catch {
    return false;
  }
}

function headerNameOk(name: string): boolean {
  try {
    validateHeaderName(name);
    return name.length > 0;
  } catch {
    return false;
  }
}

/** Nested arrays and objects, at depths around the 64-level limit. */
const deepJson = fc.tuple(fc.integer({ min: 1, max: 200 }), fc.constantFrom('[', '{"a":'), fc.boolean()).map(([depth, open, balanced]) => {
  const close = open === '[' ? ']' : '}';
  return `{"text":${open.repeat(depth)}1${close.repeat(balanced ? depth : Math.max(0, depth - 1))}}`;
});

const multipart = fc.array(fc.record({
  name: fc.oneof(fc.constantFrom('images', 'text', 'texts', 'top_k', 'fail'), fc.string({ maxLength: 12 })),
  filename: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
  value: fc.oneof(fc.string({ maxLength: 64 }), fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b).toString('latin1'))),
}), { maxLength: 6 }).chain((parts) => fc.boolean().map((terminated) => {
  const chunks = parts.map((p) => `--fuzz\r\nContent-Disposition: form-data; name="${p.name.replace(/["\r\n]/g, '')}"${p.filename === undefined ? '' : `; filename="${p.filename.replace(/["\r\n]/g, '')}"`}\r\n\r\n${p.value}\r\n`);
  return Buffer.from(`${chunks.join('')}${terminated ? '--fuzz--\r\n' : ''}`, 'latin1');
}));

const bodies: fc.Arbitrary<{ body: Buffer; type: string }> = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => ({ body: Buffer.from(JSON.stringify(v) ?? 'null'), type: 'application/json' })),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 }).map((v) => ({ body: Buffer.from(JSON.stringify(v)), type: 'application/json' })),
  deepJson.map((text) => ({ body: Buffer.from(text), type: 'application/json' })),
  fc.uint8Array({ maxLength: 4096 }).map((b) => ({ body: Buffer.from(b), type: 'application/json' })),
  // Long strings near and over the body limit (made by repetition: drawing each character would be slow).
  fc.tuple(fc.integer({ min: BODY_LIMIT - 200, max: BODY_LIMIT + 200 }), fc.constantFrom('a', 'é', '今', '\\u0000', '"')).map(([n, c]) => {
    const text = `{"text":["${c.repeat(Math.max(0, Math.floor(n / Buffer.byteLength(c)) - 14))}"]}`;
    return { body: Buffer.from(text), type: 'application/json' };
  }),
  multipart.map((body) => ({ body, type: 'multipart/form-data; boundary=fuzz' })),
  fc.tuple(fc.uint8Array({ maxLength: 512 }), contentTypes).map(([b, type]) => ({ body: Buffer.from(b), type })),
);

const segment = fc.oneof(
  fc.constantFrom('predict', 'echo', 'test', 'healthz', 'readyz', 'modules', 'metrics', '..', '.', '', '%2e%2e', '%2F', '%00', '%zz', '%', '%E4%BB%8A', '%C3%28'),
  fc.webSegment(),
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{0,40}$/),
  fc.integer({ min: 250, max: 300 }).map((n) => 'x'.repeat(n)),
);

const paths = fc.tuple(
  fc.constantFrom('/predict/echo', '/predict/', '/predict', '/healthz', '/readyz', '/modules', '/metrics', '/', '//', '/predict/test'),
  fc.array(segment, { maxLength: 5 }),
  fc.constantFrom('', '/', '//', '?', '?a=1', '?text=%E4', '#frag'),
).map(([prefix, segments, tail]) => `${prefix}${segments.length ? `/${segments.join('/')}` : ''}${tail}`.replace(/#.*$/, ''));

const extraHeaders = fc.dictionary(
  fc.oneof(fc.constantFrom('origin', 'authorization', 'x-api-key', 'x-request-id', 'accept', 'accept-encoding', 'content-encoding', 'cookie', 'x-forwarded-for', 'range', 'if-none-match'),
    fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,30}$/)).filter((name) => headerNameOk(name) && !/^(host|content-length|transfer-encoding|connection|expect|upgrade|te|trailer|keep-alive|proxy-connection|http2-settings)$/i.test(name)),
  fc.oneof(fc.string({ maxLength: 200 }), fc.stringMatching(/^[\x20-\x7e]{0,300}$/), fc.constantFrom('null', 'http://127.0.0.1', 'Bearer x', 'gzip', 'bytes=0-1', '*')).filter(headerValueOk),
  { maxKeys: 6 },
);

const methods = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'SEARCH', 'LINK'), fc.stringMatching(/^[A-Z]{1,10}$/));

// ---- the properties ----

describe('fuzzing the HTTP surface with fast-check', () => {
  let server: EchoServer;
  let cases = 0;

  before(async () => {
    server = await startEchoServer({ bodyLimit: BODY_LIMIT, timeoutSeconds: 5 });
  });
  after(async () => {
    await server.close();
    console.log(`fuzz: ${cases} requests`);
  });

  const run = async (request: Sent) => {
    cases++;
    checkAnswer(request, await call(server.port, request));
  };

  test(`bodies: ${BODY_RUNS} arbitrary JSON values, deep nesting, random bytes, strings near the limit, multipart`, async () => {
    await fc.assert(fc.asyncProperty(bodies, fc.constantFrom('/predict/echo', '/predict/test', '/predict/nothing'), async ({ body, type }, path) => {
      await run({ method: 'POST', path, headers: type ? { 'content-type': type } : {}, body });
    }), { numRuns: BODY_RUNS });
  });

  test(`headers: ${HEADER_RUNS} content types and random headers`, async () => {
    await fc.assert(fc.asyncProperty(contentTypes, extraHeaders, fc.jsonValue({ maxDepth: 3 }), async (type, headers, value) => {
      await run({ method: 'POST', path: '/predict/echo', headers: { ...headers, ...(type ? { 'content-type': type } : {}) }, body: Buffer.from(JSON.stringify({ text: [JSON.stringify(value) ?? ''] })) });
    }), { numRuns: HEADER_RUNS });
  });

  test(`headers against a server with API keys and CORS: ${SECURED_RUNS} random keys, origins, hosts`, async () => {
    const secured = await startEchoServer({ bodyLimit: BODY_LIMIT, apiKeys: ['fuzz-key'], corsOrigins: ['https://app.example.com'], allowedHosts: ['127.0.0.1', 'models.example'] });
    try {
      const security = fc.record({
        authorization: fc.oneof(fc.constant('Bearer fuzz-key'), fc.string({ maxLength: 40 }).map((k) => `Bearer ${k}`), fc.string({ maxLength: 40 })),
        'x-api-key': fc.oneof(fc.constant('fuzz-key'), fc.string({ maxLength: 40 })),
        origin: fc.oneof(fc.constantFrom('https://app.example.com', 'https://evil.example', 'null', `http://127.0.0.1:${secured.port}`), fc.webUrl(), fc.string({ maxLength: 30 })),
        host: fc.oneof(fc.constantFrom('127.0.0.1', `127.0.0.1:${secured.port}`, 'models.example', 'evil.example', '[::1]', ''), fc.domain(), fc.string({ maxLength: 30 })),
        'access-control-request-method': fc.constantFrom('POST', 'GET', 'DELETE'),
      }, { requiredKeys: [] }).map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => headerValueOk(v))) as Record<string, string>);
      await fc.assert(fc.asyncProperty(security, fc.constantFrom('GET', 'POST', 'OPTIONS'), fc.constantFrom('/predict/echo', '/modules', '/healthz', '/metrics', '/nowhere'), async (headers, method, path) => {
        cases++;
        const request: Sent = { method, path, headers: { 'content-type': 'application/json', host: `127.0.0.1:${secured.port}`, ...headers }, body: method === 'POST' ? Buffer.from('{"text":["a"]}') : undefined };
        const answer = await call(secured.port, request);
        checkAnswer(request, answer);
        // Nothing gets past the checks without the key, from another origin or under another name.
        if (answer.status === 200 && path !== '/healthz' && method !== 'OPTIONS') {
          assert.ok(headers.authorization === 'Bearer fuzz-key' || headers['x-api-key'] === 'fuzz-key', JSON.stringify(headers));
        }
      }), { numRuns: SECURED_RUNS });
    } finally {
      await secured.close();
    }
  });

  test(`paths: ${PATH_RUNS} random segments, encodings, trailing slashes`, async () => {
    await fc.assert(fc.asyncProperty(paths, fc.constantFrom('GET', 'POST'), async (path, method) => {
      await run({ method, path, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? Buffer.from('{"text":["a"]}') : undefined });
    }), { numRuns: PATH_RUNS });
  });

  test(`methods: ${METHOD_RUNS} methods on every route`, async () => {
    await fc.assert(fc.asyncProperty(methods, paths, fc.option(fc.uint8Array({ maxLength: 256 }), { nil: undefined }), async (method, path, drawn) => {
      // node's client does not frame a HEAD request's body: its bytes would arrive as a second, garbled request.
      const body = method === 'HEAD' ? undefined : drawn;
      await run({ method, path, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? Buffer.from(body) : undefined });
    }), { numRuns: METHOD_RUNS });
  });

  test(`raw request lines: ${RAW_RUNS} requests node's client would not send`, async () => {
    const line = fc.tuple(
      fc.oneof(methods, fc.stringMatching(/^[!-~]{1,12}$/)),
      fc.oneof(paths, fc.stringMatching(/^[!-~]{0,80}$/), fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1').replace(/[\r\n ]/g, '_'))),
      fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 extra', 'http/1.1', ''),
      fc.array(fc.stringMatching(/^[!-~][ -~]{0,60}$/), { maxLength: 4 }),
    );
    await fc.assert(fc.asyncProperty(line, async ([method, path, version, headerLines]) => {
      cases++;
      const text = `${method} ${path} ${version}\r\nHost: 127.0.0.1:${server.port}\r\n${headerLines.map((h) => `${h}\r\n`).join('')}Content-Length: 0\r\nConnection: close\r\n\r\n`;
      const reply = await rawExchange(server.port, Buffer.from(text, 'latin1'));
      const where = `${JSON.stringify(text.slice(0, 200))} -> ${JSON.stringify(reply.slice(0, 300))}`;
      const head = /^HTTP\/1\.1 (\d{3}) [^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(reply);
      assert.ok(head, `one HTTP/1.1 response: ${where}`);
      const status = Number(head[1]);
      assert.ok(status === 200 || status === 204 || (status >= 400 && status <= 599), where);
      assert.match(head[2]!, /^x-request-id: \S+$/im, where);
      if (status >= 400 && !method.startsWith('HEAD')) {
        const body = JSON.parse(head[3]!) as { msg: unknown; status: unknown; results: unknown };
        assert.equal(typeof body.msg, 'string', where);
        assert.match(String(body.status), /^\d{3}$/, where);
        assert.ok('results' in body, where);
        assert.doesNotMatch(String(body.msg), STACK, where);
      }
    }), { numRuns: RAW_RUNS });
  });

  test('afterwards the server answers a normal request', async () => {
    const reply = await send(server.port, { method: 'POST', path: '/predict/echo', body: '{"text":["still here"]}', headers: { 'content-type': 'application/json' } });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.body, { msg: '', results: [{ text: ['still here'] }], status: '000' });
  });
});
