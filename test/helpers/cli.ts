import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debianAssetOrSkip, type DebianAsset } from './debian-assets.js';

// Runs the real `hub` command, as a user would, against a HUB_HOME of the test's own.

export const HUB_BIN = fileURLToPath(new URL('../../../bin/hub.js', import.meta.url));
export const LAC_SYSTEM_DIR = '/usr/lib/python3/dist-packages/jieba/lac_small';
/** How lac names the weights of the tests: python3-jieba installed, or HUB_LAC_DIR at the fetched package. */
export const LAC_SOURCE = /Debian package python3-jieba|HUB_LAC_DIR \S+\/python3-jieba\/\S+\/lac_small/;

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

let lac: Promise<DebianAsset> | undefined;

/**
 * Baidu's lac_small folder from python3-jieba: installed, or fetched once into the tests' cache. A fetched one
 * is also put in HUB_LAC_DIR for this process and what it starts, so the lac module reads it instead of
 * downloading the 17 MB package again for every fresh HUB_HOME (tests of the module's own search unset it).
 */
export function lacWeights(): Promise<DebianAsset> {
  lac ??= debianAssetOrSkip('python3-jieba', LAC_SYSTEM_DIR.slice(1)).then((found) => {
    if (found.path && found.path !== LAC_SYSTEM_DIR) process.env.HUB_LAC_DIR ??= found.path;
    return found;
  });
  return lac;
}

/** Why LAC tests cannot run here, for `describe(name, { skip: await lacSkipReason() })`; throws under CI. */
export async function lacSkipReason(): Promise<string | undefined> {
  return (await lacWeights()).skip || undefined;
}

/** For use inside a test (hooks have no skip on Node 20: use lacSkipReason with describe there). */
export async function requireLacOrSkip(t: { skip: (why: string) => void }): Promise<boolean> {
  const why = await lacSkipReason();
  if (why !== undefined) t.skip(why);
  return why === undefined;
}
