import { connect, type Socket } from 'node:net';

// The hostile requests `hub serving selftest` sends, each bounded in bytes and time, over raw sockets so that
// nothing (a client library's own checks) stands between the case and the server. Each says what a server
// that is safe to expose should answer, and what it did.

export interface Target {
  host: string;
  port: number;
  /** A served module, for the prediction route. */
  module: string;
  /** Headers every request carries (an API key). */
  headers: Record<string, string>;
}

export interface CaseResult {
  ok: boolean;
  got: string;
}

export interface SelftestCase {
  name: string;
  expected: string;
  run(target: Target): Promise<CaseResult>;
}

/** Answers the first response's status line and body (whatever arrives within `timeoutMs`). */
function exchange(target: Target, write: (socket: Socket) => Promise<void> | void, timeoutMs = 15_000): Promise<{ status: number; body: string; closedEarly: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(target.port, target.host);
    let data = '';
    let settled = false;
    const finish = (closedEarly = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0);
      const split = data.indexOf('\r\n\r\n');
      resolve({ status, body: split >= 0 ? data.slice(split + 4) : '', closedEarly });
    };
    const timer = setTimeout(() => finish(), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const split = data.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(data)?.[1];
      if (split >= 0 && length !== undefined && Buffer.byteLength(data.slice(split + 4)) >= Number(length)) finish();
    });
    socket.on('error', () => finish(data === ''));
    socket.on('close', () => finish(data === ''));
    socket.on('connect', () => void Promise.resolve(write(socket)).catch(() => finish(true)));
  });
}

const head = (target: Target, method: string, path: string, extra: Record<string, string>) =>
  `${method} ${path} HTTP/1.1\r\nHost: ${target.host}:${target.port}\r\n${Object.entries({ ...target.headers, ...extra }).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;

/** The reply is a PaddleHub envelope with this HTTP status (and envelope code, when given). */
function envelopeWith(reply: { status: number; body: string; closedEarly: boolean }, http: number, code?: string): CaseResult {
  if (reply.closedEarly || reply.status === 0) return { ok: false, got: 'no answer (connection closed or timed out)' };
  let envelope: { status?: string; msg?: string } = {};
  try {
    envelope = JSON.parse(reply.body) as typeof envelope;
  } catch {
    return { ok: false, got: `${reply.status}, not an envelope: ${reply.body.slice(0, 60)}` };
  }
  const ok = reply.status === http && typeof envelope.msg === 'string' && (code === undefined || envelope.status === code) && !/\n\s+at /.test(envelope.msg);
  return { ok, got: `${reply.status} ${envelope.status ?? '?'} ${String(envelope.msg ?? '').slice(0, 50)}` };
}

const post = (target: Target, body: string, type = 'application/json') => (socket: Socket) => {
  socket.write(head(target, 'POST', `/predict/${target.module}`, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) }) + body);
};

export const CASES: SelftestCase[] = [
  {
    name: 'malformed JSON',
    expected: '400, envelope 112',
    run: async (t) => envelopeWith(await exchange(t, post(t, '{"text": [')), 400, '112'),
  },
  {
    name: 'JSON nested 100,000 deep',
    expected: '400, envelope 121',
    run: async (t) => envelopeWith(await exchange(t, post(t, '['.repeat(100_000) + ']'.repeat(100_000))), 400, '121'),
  },
  {
    name: '1 MB sent as 1,000,000 one-byte chunks',
    expected: 'an envelope, 4xx',
    run: async (t) => {
      const reply = await exchange(t, async (socket) => {
        socket.write(head(t, 'POST', `/predict/${t.module}`, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }));
        const chunk = '1\r\na\r\n';
        for (let sent = 0; sent < 1_000_000; sent += 10_000) {
          if (!socket.write(chunk.repeat(10_000))) await new Promise((r) => socket.once('drain', r));
        }
        socket.write('0\r\n\r\n');
      }, 60_000);
      const result = envelopeWith(reply, reply.status);
      return { ok: result.ok && reply.status >= 400 && reply.status < 500, got: result.got };
    },
  },
  {
    name: 'body declared at 1 GB, written before reading',
    expected: '413, envelope 115',
    run: async (t) => envelopeWith(await exchange(t, (socket) => {
      socket.write(head(t, 'POST', `/predict/${t.module}`, { 'content-type': 'application/json', 'content-length': String(2 ** 30) }));
      socket.write('x'.repeat(1 << 20));
    }), 413, '115'),
  },
  {
    name: 'request then half-close',
    expected: 'answered (400, 112)',
    run: async (t) => envelopeWith(await exchange(t, (socket) => {
      post(t, '{"text": [')(socket);
      socket.end();
    }), 400, '112'),
  },
  {
    name: 'text/plain body',
    expected: '415, envelope 114',
    run: async (t) => envelopeWith(await exchange(t, post(t, 'hello', 'text/plain')), 415, '114'),
  },
  {
    name: 'unknown route',
    expected: '404, envelope 117',
    run: async (t) => envelopeWith(await exchange(t, (socket) => void socket.write(head(t, 'GET', '/no/such/route', {}))), 404, '117'),
  },
  {
    name: 'not HTTP at all',
    expected: '400, envelope',
    run: async (t) => envelopeWith(await exchange(t, (socket) => void socket.write('HELLO THERE\r\n\r\n')), 400),
  },
  {
    name: 'headers dribbled for 3 s while others are served',
    expected: 'others answered meanwhile',
    run: async (t) => {
      const slow = connect(t.port, t.host);
      slow.on('error', () => {});
      await new Promise((r) => slow.once('connect', r));
      slow.write(`GET /healthz HTTP/1.1\r\nHost: ${t.host}\r\n`);
      const drip = setInterval(() => slow.write('X-Slow: 1\r\n'), 500);
      try {
        const started = performance.now();
        const others = await Promise.all([0, 1, 2].map(() => exchange(t, (socket) => void socket.write(head(t, 'GET', '/healthz', {})), 5000)));
        const ms = performance.now() - started;
        await new Promise((r) => setTimeout(r, 3000));
        return { ok: others.every((o) => o.status === 200), got: `3 probes answered ${others.map((o) => o.status).join('/')} in ${ms.toFixed(0)} ms` };
      } finally {
        clearInterval(drip);
        slow.destroy();
      }
    },
  },
  {
    name: 'the server afterwards',
    expected: '/healthz 200',
    run: async (t) => {
      const reply = await exchange(t, (socket) => void socket.write(head(t, 'GET', '/healthz', {})));
      return { ok: reply.status === 200, got: `${reply.status}` };
    },
  },
];
