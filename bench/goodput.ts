// `npm run bench -- goodput`: goodput under overload. Our server with -m lac on loopback, started twice, with
// --timeout 2 and without (its default, 60 s); each time 200 clients send 50-text requests back to back, more than
// it can answer in 2 s. Counts 200s per second (goodput), the 429s, 503s and 504s and their latency. A server
// that keeps its threads on work whose caller was already answered 504 loses goodput under a short timeout;
// one that refuses what it cannot answer in time keeps it. Writes bench/results/goodput-<time>.json, prints a
// summary, regenerates docs/benchmarks.md.
// Flags: --seconds (measured, default 30; or GOODPUT_SECONDS), --warmup (5), --clients (200), --timeout (2),
// --texts (50), --ignore-retry-after (clients resend at once after a 429). Env: HUB_HOME, HUB_LAC_DIR as for lac.

import { Agent, request } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { regenerateBenchmarksDoc, resultsDir, resultsFileName } from './docs.js';
import { goodputPerCore as perCore, goodputSummary, type GoodputResults, type GoodputRun, type StatusFigures } from './goodput.report.js';
import { leastDisturbed } from './lib/disturbance.js';
import { percentile, round } from './lib/load.js';
import { machineInfo } from './lib/machine.js';
import { cpuWindow } from './lib/proc.js';
import { layoutLine, startOurServer } from './lib/our-server.js';
import { freePort, type RunningServer } from './lib/servers.js';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: process.env.GOODPUT_SECONDS ?? '30' },
    warmup: { type: 'string', default: '5' },
    clients: { type: 'string', default: '200' },
    timeout: { type: 'string', default: '2' },
    texts: { type: 'string', default: '50' },
    'ignore-retry-after': { type: 'boolean', default: false },
  },
});

function positive(name: string, raw: string, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`--${name} ${raw}: expected a number in (0, ${max}]`);
  return value;
}

const SECONDS = positive('seconds', flags.seconds, 600);
const WARMUP = positive('warmup', flags.warmup, 60);
const CLIENTS = Math.round(positive('clients', flags.clients, 2000));
const TIMEOUT = positive('timeout', flags.timeout, 60);
const TEXTS = Math.round(positive('texts', flags.texts, 1000));
const HONOUR_RETRY_AFTER = !flags['ignore-retry-after'];
/** How long a request may stay unanswered after the window before the client gives up on it. */
const GRACE_MS = 65_000;

const SENTENCES = ['今天是个好日子', '天气预报说今天要下雨', '百度是一家高科技公司', '我在北京天安门广场见到了张三',
  '春天来了，公园里的花都开了', '他每天早上坐地铁去上班', '这本书讲的是一个普通人的故事', '明天下午三点在会议室开会'];
const BODY = Buffer.from(JSON.stringify({ texts: Array.from({ length: TEXTS }, (_, i) => SENTENCES[i % SENTENCES.length]!) }));

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number | 'error';
  ms: number;
  /** performance.now() when it arrived. */
  at: number;
  retryAfterS?: number;
}

function send(agent: Agent, port: number): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const done = (status: Answer['status'], retryAfter?: string) => {
      const at = performance.now();
      resolve({ status, ms: at - t0, at, retryAfterS: retryAfter === undefined ? undefined : Number(retryAfter) });
    };
    const req = request({ host: '127.0.0.1', port, path: '/predict/lac', method: 'POST', agent, timeout: GRACE_MS,
      headers: { 'content-type': 'application/json', 'content-length': BODY.length } }, (res) => {
      res.resume();
      res.once('end', () => done(res.statusCode ?? 0, res.headers['retry-after'] as string | undefined));
      res.once('error', () => done('error'));
    });
    req.once('timeout', () => req.destroy(new Error('no answer')));
    req.once('error', () => done('error'));
    req.end(BODY);
  });
}

/** Clients sending back to back from now until `end`; every answer is kept with the time it arrived. */
async function drive(port: number, end: number): Promise<Answer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const answers: Answer[] = [];
  const client = async () => {
    while (performance.now() < end) {
      const answer = await send(agent, port);
      answers.push(answer);
      const refused = answer.status === 429 || answer.status === 503;
      if (refused && HONOUR_RETRY_AFTER && answer.retryAfterS! > 0) await sleep(Math.min(answer.retryAfterS! * 1000, end - performance.now()));
      if (answer.status === 'error') await sleep(50); // a refused connection must not spin
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  agent.destroy();
  return answers;
}

function figures(answers: Answer[]): Record<string, StatusFigures> {
  const byStatus = new Map<string, number[]>();
  for (const a of answers) {
    const key = String(a.status);
    if (!byStatus.has(key)) byStatus.set(key, []);
    byStatus.get(key)!.push(a.ms);
  }
  const out: Record<string, StatusFigures> = {};
  for (const [status, ms] of byStatus) {
    const sorted = Float64Array.from(ms).sort();
    out[status] = { count: sorted.length, p50Ms: round(percentile(sorted, 50), 1), p99Ms: round(percentile(sorted, 99), 1), maxMs: round(sorted.at(-1)!, 1) };
  }
  return out;
}

/** One request before the load: the server must answer this body with every text's words, or it is not measured. */
async function verify(port: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/predict/lac`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
  const reply = (await response.json()) as { status?: string; results?: { word?: string[] }[] };
  if (response.status !== 200 || reply.status !== '000' || reply.results?.length !== TEXTS || reply.results.some((r) => !r.word?.length)) {
    throw new Error(`the check request got HTTP ${response.status}: ${JSON.stringify(reply).slice(0, 200)}`);
  }
}

/** Warm-up, then the measured window: goodput, answers by status, CPU shares. */
async function load(port: number, pid: number): Promise<Required<Pick<GoodputRun, 'goodput' | 'perSecond' | 'answers' | 'cpu'>>> {
  const from = performance.now() + WARMUP * 1000;
  const to = from + SECONDS * 1000;
  const cpu = sleep(WARMUP * 1000).then(async () => {
    const end = cpuWindow(pid); // the measured window only
    await sleep(SECONDS * 1000);
    return end();
  });
  log(`  ${CLIENTS} clients, ${WARMUP} s of warm-up, then ${SECONDS} s measured`);
  const answers = (await drive(port, to)).filter((a) => a.at >= from && a.at < to);
  const good = answers.filter((a) => a.status === 200);
  return {
    goodput: round(good.length / SECONDS, 1),
    perSecond: Array.from({ length: Math.ceil(SECONDS) }, (_, s) => good.filter((a) => a.at >= from + s * 1000 && a.at < from + (s + 1) * 1000).length),
    answers: figures(answers),
    cpu: await cpu,
  };
}

async function measure(timeout: number | undefined): Promise<GoodputRun> {
  const extra = timeout === undefined ? [] : ['--timeout', String(timeout)];
  const args = (port: string) => ['serving', 'start', '-m', 'lac', '-p', port, '--host', '127.0.0.1', ...extra];
  const run: GoodputRun = {
    label: timeout === undefined ? 'ours, default timeout (60 s)' : `ours, --timeout ${timeout}`,
    command: `hub ${args('PORT').join(' ')}`,
    timeoutSeconds: timeout ?? 60,
    status: 'ok',
  };
  const port = await freePort();
  let server: RunningServer | undefined;
  try {
    log(`${run.label}: starting on port ${port}`);
    server = await startOurServer(run.label, args(String(port)), { HUB_LOG_LEVEL: 'warn' });
    run.layout = layoutLine(server);
    await verify(port);
    const pid = server.pid;
    Object.assign(run, await leastDisturbed(run.label, () => load(port, pid), (m) => m.cpu.otherPct, log));
    log(`  goodput ${run.goodput}/s`);
    if (!server.running) throw new Error(`the server exited during the run (stderr: ${server.stderr().slice(-300)})`);
  } catch (error) {
    run.status = 'failed';
    run.reason = (error as Error).message;
  } finally {
    if (server) await server.stop();
  }
  return run;
}

async function main(): Promise<void> {
  const start = new Date();
  const machine = machineInfo(start);
  log(`goodput bench: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; ${CLIENTS} clients x ${TEXTS} texts, ${SECONDS} s each`);
  const runs = [await measure(TIMEOUT), await measure(undefined)];
  const [short, long] = runs;
  const results: GoodputResults = {
    bench: 'goodput',
    machine,
    method: { module: 'lac', clients: CLIENTS, texts: TEXTS, bodyBytes: BODY.length, warmupSeconds: WARMUP, seconds: SECONDS, honourRetryAfter: HONOUR_RETRY_AFTER },
    runs,
    ratio: short!.goodput !== undefined && long!.goodput ? round(short!.goodput / long!.goodput, 2) : undefined,
    ratioPerCore: perCore(short!) !== undefined && perCore(long!) ? round(perCore(short!)! / perCore(long!)!, 2) : undefined,
  };
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, resultsFileName('goodput', start));
  await writeFile(file, `${JSON.stringify(results, null, 1)}\n`);
  const doc = await regenerateBenchmarksDoc();
  log('');
  log(goodputSummary(results));
  log(`results: ${file}`);
  log(`docs: ${doc}`);
  if (runs.some((r) => r.status !== 'ok')) process.exitCode = 1;
}

await main();
