import { connect, type Socket } from 'node:net';
import type { Reply } from '../helpers/cli.js';

// HTTP/1.1 by hand over a loopback socket, for what fetch cannot do: chunked floods, half-closed requests,
// malformed requests, and a client that writes its whole body before it reads.

export interface RawReply extends Reply {
  /** True when the server closed the connection after the reply (or instead of one). */
  closed: boolean;
}

/** Parses one response out of the bytes received so far; undefined until it is complete. */
function parseResponse(data: Buffer): { reply: Omit<RawReply, 'closed'>; rest: Buffer } | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(lines[0]!.split(' ')[1]);
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const length = Number(headers.get('content-length') ?? NaN);
  if (!Number.isInteger(length)) throw new Error(`the test expects content-length replies, got: ${lines.join(' | ')}`);
  if (data.length < end + 4 + length) return undefined;
  const text = data.subarray(end + 4, end + 4 + length).toString('utf8');
  let body: Reply['body'];
  try {
    body = JSON.parse(text) as Reply['body'];
  } catch {
    throw new Error(`reply ${status} is not JSON: ${text.slice(0, 300)}`);
  }
  return { reply: { status, headers, text, body }, rest: data.subarray(end + 4 + length) };
}

/** A connection that sends what it is told and hands out the replies in order. */
export class RawClient {
  readonly socket: Socket;
  private received: Buffer = Buffer.alloc(0);
  private closed = false;
  private waiting?: () => void;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes and resolves once the bytes are handed to the kernel. */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }

  /** The next reply, within `ms`; rejects if the connection closes or the time runs out first. */
  async reply(ms = 20_000): Promise<RawReply> {
    const deadline = Date.now() + ms;
    for (;;) {
      const parsed = parseResponse(this.received);
      if (parsed) {
        this.received = parsed.rest;
        return { ...parsed.reply, closed: this.closed };
      }
      if (this.closed) throw new Error(`connection closed before a complete reply; received: ${this.received.toString('latin1').slice(0, 300)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${ms} ms; received: ${this.received.toString('latin1').slice(0, 300)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = undefined;
    }
  }

  /** Resolves when the server has closed the connection (within `ms`). */
  async closedByServer(ms = 20_000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** One request on a fresh connection and its reply; `halfClose` shuts the client's write side after sending. */
export async function exchange(port: number, request: string | Buffer, options: { halfClose?: boolean } = {}): Promise<RawReply> {
  const client = await RawClient.open(port);
  try {
    if (options.halfClose) client.socket.end(request);
    else await client.write(request);
    return await client.reply();
  } finally {
    client.destroy();
  }
}

/** A request with a Content-Length body. */
export function httpRequest(path: string, body: string | Buffer, headers: Record<string, string> = {}): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const lines = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${bytes.length}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), bytes]);
}

/**
 * Writes `body` as chunked encoding, every byte its own chunk ("1\r\nX\r\n"), many chunks per write so the
 * test itself stays fast; waits for the socket to drain between writes.
 */
export async function writeOneByteChunks(client: RawClient, body: Buffer, perWrite = 64 * 1024): Promise<void> {
  for (let i = 0; i < body.length; i += perWrite) {
    const n = Math.min(perWrite, body.length - i);
    const wire = Buffer.allocUnsafe(n * 6);
    for (let k = 0; k < n; k++) {
      const o = k * 6;
      wire[o] = 0x31; // "1"
      wire[o + 1] = 0x0d;
      wire[o + 2] = 0x0a;
      wire[o + 3] = body[i + k]!;
      wire[o + 4] = 0x0d;
      wire[o + 5] = 0x0a;
    }
    await client.write(wire);
  }
  await client.write('0\r\n\r\n');
}
