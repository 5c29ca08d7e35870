// wrk, the C load generator the peer's README measures with, as a child process: one bounded POST run against a
// loopback URL. Its Lua done() hook prints the summary as one JSON line; the run is wrapped in
// `sh -c '...; times'` so that the shell reports wrk's own CPU time once wrk has exited (the reports put it in
// the load generator's CPU column). Parsing is kept in pure functions so it can be tested without a run.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** Starts the line the Lua done() hook prints, among wrk's own report. */
export const SUMMARY_MARK = 'wrk-summary ';

/** A Lua double-quoted string literal holding exactly the UTF-8 bytes of `text`. */
export function luaString(text: string): string {
  // Decimal escapes are padded to 3 digits so that a digit after them is never read as part of the escape.
  const escaped = text.replace(/[\\"\x00-\x1f\x7f]/g, (c) => (c === '\\' || c === '"' ? `\\${c}` : `\\${String(c.charCodeAt(0)).padStart(3, '0')}`));
  return `"${escaped}"`;
}

/** The script of one run: POST `body` as JSON; at the end, the summary as one JSON line on stdout. */
export function wrkScript(body: string): string {
  const format = `${SUMMARY_MARK}{"requests":%d,"durationUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},` +
    '"latencyUs":{"p50":%d,"p99":%d}}';
  return [
    '-- Written by the bench for one wrk run.',
    'wrk.method = "POST"',
    'wrk.headers["Content-Type"] = "application/json"',
    `wrk.body = ${luaString(body)}`,
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    `  io.write(string.format([[${format}]] .. "\\n", summary.requests, summary.duration,`,
    '    e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50), latency:percentile(99)))',
    'end',
    '',
  ].join('\n');
}

const count = z.number().int().nonnegative();
const summarySchema = z.object({
  requests: count,
  durationUs: count,
  errors: z.object({ connect: count, read: count, write: count, status: count, timeout: count }),
  latencyUs: z.object({ p50: count, p99: count }),
});

/** What wrk's done() hook reports: `requests` are complete answers; `errors.status` those with HTTP status 400 or more. */
export type WrkSummary = z.infer<typeof summarySchema>;

export function parseWrkSummary(stdout: string): WrkSummary {
  const line = stdout.split('\n').find((l) => l.startsWith(SUMMARY_MARK));
  if (!line) throw new Error(`wrk printed no summary line: ${stdout.slice(-300)}`);
  return summarySchema.parse(JSON.parse(line.slice(SUMMARY_MARK.length)));
}

const TIMES_LINE = /^(\d+)m(\d+(?:\.\d+)?)s\s+(\d+)m(\d+(?:\.\d+)?)s$/;

/**
 * CPU seconds (user + system) of the shell's children from the output of `times` (POSIX: a line for the shell,
 * then one for its children, each "<m>m<s>s <m>m<s>s"); the last two such lines of `stdout`.
 */
export function parseChildTimes(stdout: string): number {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => TIMES_LINE.test(l));
  const children = lines.at(-1);
  if (lines.length < 2 || !children) throw new Error(`no output of \`times\` after wrk: ${stdout.slice(-300)}`);
  const [, um, us, sm, ss] = TIMES_LINE.exec(children)!;
  return Number(um) * 60 + Number(us) + Number(sm) * 60 + Number(ss);
}

export interface WrkRun {
  wrk: string;
  url: string;
  body: string;
  connections: number;
  /** Whole seconds: wrk takes no fractions. */
  seconds: number;
}

/** wrk's arguments: 2 threads (as the peer's README), 1 when there is a single connection (wrk needs one per thread). */
export function wrkArgs(run: Pick<WrkRun, 'url' | 'connections' | 'seconds'>, script: string): string[] {
  const threads = Math.max(1, Math.min(2, run.connections));
  return ['-t', String(threads), '-c', String(run.connections), '-d', `${run.seconds}s`, '--timeout', '10s', '-s', script, run.url];
}

/** Extra time a run may take past its duration (start, the last answers, the report) before it is killed. */
const GRACE_SECONDS = 30;

/** One wrk run; resolves with its summary and the CPU seconds wrk used. */
export async function runWrk(run: WrkRun): Promise<{ summary: WrkSummary; cpuSeconds: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'hub-bench-wrk-'));
  try {
    const script = join(dir, 'post.lua');
    await writeFile(script, wrkScript(run.body));
    // `times` runs after wrk has exited, so its children's line holds all of wrk's CPU time; wrk's exit status is kept.
    const child = spawn('/bin/sh', ['-c', '"$@"; status=$?; times; exit $status', 'sh', run.wrk, ...wrkArgs(run, script)],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-2000); });
    let killed = false;
    // Its own process group, so the guard ends wrk along with the shell.
    const guard = setTimeout(() => {
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, (run.seconds + GRACE_SECONDS) * 1000);
    const exit = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve(signal ?? `code ${code}`));
    }).finally(() => clearTimeout(guard));
    if (killed) throw new Error(`wrk ran past ${run.seconds + GRACE_SECONDS} s and was killed`);
    if (exit !== 'code 0') throw new Error(`wrk ended with ${exit}: ${stderr.trim() || stdout.slice(-300)}`);
    return { summary: parseWrkSummary(stdout), cpuSeconds: parseChildTimes(stdout) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
