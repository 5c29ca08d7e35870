import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Runs the real `hub` command, as a user would, against a HUB_HOME of the test's own.

export const HUB_BIN = fileURLToPath(new URL('../../../bin/hub.js', import.meta.url));
export const LAC_SYSTEM_DIR = '/usr/lib/python3/dist-packages/jieba/lac_small';

/** A HUB_HOME shared by the tests of one run, so the LAC conversion happens once. */
export const sharedHubHome = join(tmpdir(), `hub-serving-test-home-${process.ppid}`);

export function freshHubHome(): string {
  return mkdtempSync(join(tmpdir(), 'hub-home-'));
}

export { freeLoopbackPort as freePort } from '../../src/process/port.js';
import { freeLoopbackPort as freePort } from '../../src/process/port.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runHub(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): CliResult {
  const result = spawnSync(process.execPath, [HUB_BIN, ...args], {
    env: { ...process.env, HUB_HOME: sharedHubHome, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface RunningServer {
  port: number;
  url: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Starts `hub serving start` and resolves when it prints its ready line (rejects if it exits first). */
export async function startServer(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<RunningServer> {
  const port = args.includes('-p') || args.includes('--port') ? Number(args[args.indexOf(args.includes('-p') ? '-p' : '--port') + 1]) : await freePort();
  const fullArgs = args.includes('-p') || args.includes('--port') ? args : [...args, '-p', String(port)];
  const child = spawn(process.execPath, [HUB_BIN, 'serving', 'start', ...fullArgs], {
    env: { ...process.env, HUB_HOME: sharedHubHome, HUB_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not become ready in ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      if (out.includes('Hub Serving is ready')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface Reply {
  status: number;
  body: { msg: string; results: unknown; status: string };
  headers: Headers;
  text: string;
}

/** An error reply: the HTTP status, the envelope's status and message, empty results, no stack trace. */
export function expectError(reply: Reply, http: number, status: string, msg: RegExp): void {
  assert.equal(reply.status, http, reply.text);
  assert.equal(reply.body.status, status, reply.text);
  assert.match(reply.body.msg, msg);
  assert.equal(reply.body.results, '');
  assert.doesNotMatch(reply.body.msg, /\n\s+at /, 'no stack trace reaches the client');
}

export async function post(url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Reply> {
  const payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  const response = await fetch(url, { method: 'POST', headers, body: payload as RequestInit['body'] });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), headers: response.headers, text };
}

/** The lac_small folder exists (python3-jieba installed). Under CI its absence is a failure, not a skip. */
export function lacWeightsPresent(): boolean {
  const result = spawnSync('test', ['-d', LAC_SYSTEM_DIR]);
  return result.status === 0;
}

/** Why LAC tests cannot run here, for `describe(name, { skip })`; undefined when they can. Throws under CI. */
export function lacSkipReason(): string | undefined {
  if (lacWeightsPresent()) return undefined;
  const why = `Debian's python3-jieba is not installed (${LAC_SYSTEM_DIR} missing): apt-get install python3-jieba`;
  if (process.env.CI === 'true') throw new Error(why);
  console.warn(`SKIPPING: ${why}`);
  return why;
}

/** For use inside a test (hooks have no skip on Node 20: use lacSkipReason with describe there). */
export function requireLacOrSkip(t: { skip: (why: string) => void }): boolean {
  const why = lacSkipReason();
  if (why === undefined) return true;
  t.skip(why);
  return false;
}
