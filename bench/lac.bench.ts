// `npm run bench -- lac` and `-- jieba` (part of `npm run bench`): lac (or jieba_paddle's classic mode) throughput and latency in one run, for our server
// over HTTP (default layout, 2 processes x 1 thread, and for lac batching off), for the peer (Flask + Gunicorn, PaddleHub's
// architecture) and for the model called in-process (the limit). Writes bench/results/lac-<time>.json,
// prints a table, regenerates docs/benchmarks.md.
// Env: BENCH_SECONDS (measured seconds per concurrency, default 8), HUB_HOME (default a folder in the temp dir,
// so converted weights are reused between runs and ~/.hub-serving is untouched), HUB_LAC_DIR (weights folder),
// BENCH_LOAD_GENERATOR (wrk or autocannon; default wrk when installed), BENCH_ROUNDS (alternating rounds at c=64
// after the runs, default 5; 0 leaves them out), BENCH_ROUND_SECONDS (measured seconds per target per round, default 4).

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertLacDirectory, type LacArtifacts } from '../src/artifacts/convert/paddle/lac-convert.js';
import { LAC_DIR_ENV, LAC_SYSTEM_DIR } from '../src/modules/lac/manifest.js';
import { findLacDir } from '../src/modules/lac/weights.js';
import { regenerateBenchmarksDoc, repoRoot, resultsDir, resultsFileName } from './docs.js';
import { measureLimit, type LimitGrouping } from './lac.limit.js';
import { lacConsoleReport, lacRatios, limitLabel, type AlternatingRounds, type HttpTarget, type LacResults } from './lac.report.js';
import { alternate, type AlternatingEntry } from './lib/alternating.js';
import { chooseLoadGenerator, loadGeneratorLine, measuredRun, type LoadGenerator } from './lib/load.js';
import { machineInfo } from './lib/machine.js';
import { leastDisturbed, measuredSeconds } from './lib/disturbance.js';
import { treeMemory } from './lib/proc.js';
import { freePort, startServer, which, type RunningServer, type ServerSpec } from './lib/servers.js';

const CONCURRENCIES = [1, 16, 32, 64];
const WARMUP_SECONDS = 2;
/** The alternating rounds: the targets' concurrency, and each run's warm-up (every server is warm by then). */
const ALTERNATING_CONNECTIONS = 64;
const ALTERNATING_WARMUP_SECONDS = 1;
/** The network at batch 64 on 1 and 2 threads (what the targets are set against), then the server's length groups on 2. */
const LIMIT_PLANS: { threads: number; grouping: LimitGrouping }[] = [{ threads: 1, grouping: 'batch64' }, { threads: 2, grouping: 'batch64' }, { threads: 2, grouping: 'by-length' }];
const TEXTS = ['今天是个好日子', '天气预报说今天要下雨'];
const EXPECTED_WORDS = [['今天', '是', '个', '好日子'], ['天气预报', '说', '今天', '要', '下雨']];
const PEER_DIR = join(repoRoot, '..', 'shared', 'bench', 'peer');

/** What one bench run loads: `lac` (LAC's network vs the peer's jieba), or `jieba` (the same cutter on both sides). */
interface BenchCase {
  bench: LacResults['bench'];
  module: string;
  /** Byte for byte the body of the peer's wrk script. */
  body: string;
  /** The words of an answer's results, to compare with EXPECTED_WORDS. */
  words(results: unknown): string[][];
}

const CASES: Record<string, BenchCase> = {
  lac: {
    bench: 'lac',
    module: 'lac',
    body: JSON.stringify({ texts: TEXTS, batch_size: 1 }), // post_lac.lua
    words: (results) => (results as { word?: string[] }[]).map((r) => r.word ?? []),
  },
  jieba: {
    bench: 'jieba',
    module: 'jieba_paddle',
    body: '{"sentence":"今天是个好日子，天气预报说今天要下雨","use_paddle":false}', // post_jieba.lua
    words: (results) => {
      const words = results as string[];
      return [words.slice(0, 4), words.slice(5)];
    },
  },
};

const CASE = CASES[process.argv[2] ?? 'lac'] ?? CASES.lac!;
const BODY = CASE.body;

const log = (line: string) => process.stdout.write(`${line}\n`);

function checkWords(words: string[][]): void {
  if (JSON.stringify(words) !== JSON.stringify(EXPECTED_WORDS)) {
    throw new Error(`wrong words: ${JSON.stringify(words)}, expected ${JSON.stringify(EXPECTED_WORDS)}`);
  }
}

/** One request, before any load: the server must answer this body correctly or it is not measured. */
async function verifyAnswer(url: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    signal: AbortSignal.timeout(10000),
  });
  const text = await response.text();
  let reply: { status?: string; results?: unknown[] };
  try {
    reply = JSON.parse(text) as typeof reply;
  } catch {
    throw new Error(`answer is not JSON (HTTP ${response.status}): ${text.slice(0, 200)}`);
  }
  if (response.status !== 200 || reply.status !== '000' || !Array.isArray(reply.results)) {
    throw new Error(`answer HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  checkWords(CASE.words(reply.results));
}

/** Any HTTP answer at all means the peer is listening (it prints no ready line we could wait for). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY, signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

interface TargetPlan {
  target: HttpTarget;
  /** Undefined when the target cannot run here; `target.reason` says why. */
  spec?: (port: number) => ServerSpec;
}

function oursPlan(id: string, label: string, extra: string[]): TargetPlan {
  const hubHome = process.env.HUB_HOME ?? join(tmpdir(), 'hub-serving-bench');
  const args = (port: string) => ['serving', 'start', '-m', CASE.module, '-p', port, '--host', '127.0.0.1', ...extra];
  return {
    target: { id, label, kind: 'ours', command: `hub ${args('PORT').join(' ')}`, status: 'ok', runs: [] },
    spec: (port) => ({
      name: label,
      command: process.execPath,
      args: [join(repoRoot, 'bin', 'hub.js'), ...args(String(port))],
      cwd: repoRoot,
      env: { ...process.env, HUB_HOME: hubHome },
      readyLine: /Hub Serving is ready/,
      readyTimeoutMs: 180000, // the first start converts the weights
    }),
  };
}

/** What every reference does; what ours adds on top is the rest of a served request. */
const BARE = 'fastify, the body used as it comes, the cutter called in place and the envelope answered';
const OURS_ADDS = 'ours adds metrics, argument validation, deadlines, Server-Timing and the Host, Origin and API key checks';

/**
 * The jieba bench's references (jieba.bare-server.ts): the bare stack, then with the one log line per request
 * that a served request must have, in one process and in the peer's layout of two: the floor under any server
 * on this stack that logs its requests.
 */
function referencePlans(): TargetPlan[] {
  const script = join(repoRoot, 'dist', 'bench', 'jieba.bare-server.js');
  const plan = (id: string, label: string, options: string[], description: string): TargetPlan => ({
    target: { id, label, kind: 'reference', command: ['node dist/bench/jieba.bare-server.js PORT', ...options].join(' '), description, status: 'ok', runs: [] },
    spec: (port) => ({ name: label, command: process.execPath, args: [script, String(port), ...options], cwd: repoRoot, readyLine: /bare server ready/, readyTimeoutMs: 30000 }),
  });
  return [
    plan('reference', 'reference: bare fastify + @node-rs/jieba, 1 process (no logs, metrics, validation or deadlines)', [],
      `${BARE}, its logger off; the floor under any server on this stack (${OURS_ADDS}, request ids and the access log)`),
    plan('reference-log', 'reference with an access log, 1 process', ['--access-log'],
      `${BARE}, plus a request id and one log line per request through the server's own logger (pino, to stderr); ${OURS_ADDS}`),
    plan('reference-log-2', 'reference with an access log, 2 processes', ['--access-log', '--processes', '2'],
      'the same in two processes sharing the port (node:cluster), the layout of the peer'),
  ];
}

function peerPlan(): TargetPlan {
  const target: HttpTarget = {
    id: 'peer',
    label: 'peer, Flask + Gunicorn, 2 workers',
    kind: 'peer',
    command: 'gunicorn -w 2 -b 127.0.0.1:PORT flask_lac:app',
    status: 'ok',
    runs: [],
  };
  const gunicorn = which('gunicorn');
  if (!existsSync(join(PEER_DIR, 'flask_lac.py'))) return { target: { ...target, status: 'not run', reason: `no ${join(PEER_DIR, 'flask_lac.py')}` } };
  if (!gunicorn) return { target: { ...target, status: 'not run', reason: 'gunicorn is not installed (apt-get install gunicorn python3-flask python3-jieba)' } };
  return {
    target,
    spec: (port) => ({
      name: target.label,
      command: gunicorn,
      args: ['-w', '2', '-b', `127.0.0.1:${port}`, 'flask_lac:app'],
      cwd: PEER_DIR,
      probe: () => answers(`http://127.0.0.1:${port}/predict/${CASE.module}`),
      readyTimeoutMs: 60000,
    }),
  };
}

/** Starts, checks, loads and stops one server; every outcome, failures included, is written into its target. */
async function runTarget(plan: TargetPlan, generator: LoadGenerator, seconds: number): Promise<HttpTarget> {
  const target = plan.target;
  if (!plan.spec) {
    log(`${target.label}: ${target.status} (${target.reason})`);
    return target;
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/predict/${CASE.module}`;
  let server: RunningServer | undefined;
  let started = false;
  try {
    log(`${target.label}: starting on port ${port}`);
    server = await startServer(plan.spec(port));
    await verifyAnswer(url);
    started = true;
    target.layout = server.stdout().split('\n').find((l) => /process(es)? x \d+ inference thread/.test(l))?.trim();
    for (const connections of CONCURRENCIES) {
      const pid = server.pid;
      const run = await leastDisturbed(`c=${connections}`, () => measuredRun(generator, { url, body: BODY, connections, seconds }, WARMUP_SECONDS, pid),
        (r) => r.cpu.otherPct, log);
      target.runs.push(run);
      log(`  c=${connections}: ${run.rps} req/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, errors ${run.errors}, non-2xx ${run.non2xx}`);
      if (!server.running) throw new Error(`the server exited during the run (stderr: ${server.stderr().slice(-300)})`);
    }
    target.memory = treeMemory(server.pid);
  } catch (error) {
    // A peer that cannot start or answers wrongly is "not run"; anything else is a failure of the target.
    target.status = !started && target.kind === 'peer' ? 'not run' : 'failed';
    target.reason = (error as Error).message;
    log(`  ${target.status}: ${target.reason}`);
  } finally {
    if (server) {
      const stop = await server.stop();
      const clean = stop.exit === 'code 0' && !stop.killed;
      target.stop = clean ? stop : { ...stop, stderr: server.stderr().trim().split('\n').slice(-2).join(' | ').slice(0, 300) };
      if (!clean) log(`  did not stop cleanly on SIGTERM: ${stop.killed ? 'killed' : stop.exit}`);
    }
  }
  return target;
}

/** The limit's runs, and the converted model for the alternating rounds when it ran. */
async function runLimit(seconds: number): Promise<{ limit: LacResults['limit']; artifacts?: LacArtifacts }> {
  if (CASE.bench !== 'lac') return { limit: { status: 'not run', reason: 'the classic cutter has no model to call in-process; the peer runs the same algorithm', runs: [] } };
  const source = findLacDir(process.env[LAC_DIR_ENV] ?? LAC_SYSTEM_DIR);
  if (!source) return { limit: { status: 'not run', reason: `no LAC weights at ${process.env[LAC_DIR_ENV] ?? LAC_SYSTEM_DIR} (set ${LAC_DIR_ENV})`, runs: [] } };
  const limit: LacResults['limit'] = { status: 'ok', source, runs: [] };
  try {
    const artifacts = await convertLacDirectory(source);
    for (const { threads, grouping } of LIMIT_PLANS) {
      log(`${limitLabel({ threads, grouping })}`);
      const run = await leastDisturbed(`${threads} thread(s), ${grouping}`, () => measureLimit(artifacts, TEXTS, threads, WARMUP_SECONDS, seconds, checkWords, grouping),
        (r) => r.cpu.otherPct, log);
      limit.runs.push(run);
      log(`  ${run.callsPerSecond} calls/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms`);
    }
    return { limit, artifacts };
  } catch (error) {
    return { limit: { ...limit, status: 'failed', reason: (error as Error).message } };
  }
}

/**
 * Every target that ran (batching off aside: its comparison is at c=32) up at once, and the limit on 2 threads,
 * measured in turn round after round at c=64 (AlternatingRounds). Undefined when BENCH_ROUNDS is 0 or a server
 * could not be started again.
 */
async function runAlternating(plans: TargetPlan[], artifacts: LacArtifacts | undefined, generator: LoadGenerator): Promise<AlternatingRounds | undefined> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  if (!(rounds > 0)) return undefined;
  const seconds = Number(process.env.BENCH_ROUND_SECONDS ?? 4);
  log(`alternating rounds: ${rounds} x every target at c=${ALTERNATING_CONNECTIONS}, ${seconds} s each`);
  const servers: RunningServer[] = [];
  try {
    const entries: AlternatingEntry[] = [];
    for (const plan of plans) {
      if (!plan.spec || plan.target.status !== 'ok' || plan.target.id === 'ours-unbatched') continue;
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/predict/${CASE.module}`;
      const server = await startServer(plan.spec(port));
      servers.push(server);
      await verifyAnswer(url);
      // A fresh process: brought to the steady state of the runs above (JIT, pools, connections) before any round.
      await measuredRun(generator, { url, body: BODY, connections: ALTERNATING_CONNECTIONS, seconds: WARMUP_SECONDS }, WARMUP_SECONDS, server.pid);
      entries.push({
        id: plan.target.id,
        label: plan.target.label,
        kind: plan.target.kind,
        measure: async () => {
          const run = await measuredRun(generator, { url, body: BODY, connections: ALTERNATING_CONNECTIONS, seconds }, ALTERNATING_WARMUP_SECONDS, server.pid);
          if (run.errors > 0 || run.non2xx > 0) throw new Error(`${run.errors} errors, ${run.non2xx} non-2xx answers`);
          return run.rps;
        },
      });
    }
    if (artifacts) {
      entries.push({
        id: 'limit',
        label: limitLabel({ threads: 2 }),
        kind: 'limit',
        measure: async () => (await measureLimit(artifacts, TEXTS, 2, ALTERNATING_WARMUP_SECONDS, seconds, checkWords, 'batch64')).callsPerSecond,
      });
    }
    return await alternate(entries, { connections: ALTERNATING_CONNECTIONS, rounds, seconds, warmupSeconds: ALTERNATING_WARMUP_SECONDS }, log);
  } catch (error) {
    // The runs above stand without the rounds: they are written, and the doc leaves the rounds' section out.
    log(`alternating rounds: not run: ${(error as Error).message}`);
    return undefined;
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function main(): Promise<void> {
  const seconds = measuredSeconds(8);
  const start = new Date();
  const machine = machineInfo(start);
  const generator = chooseLoadGenerator();
  log(`${CASE.bench} bench: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${seconds} s per concurrency`);
  log(loadGeneratorLine(generator));

  // The limit first, while no server is up; then each server alone; then all of them in alternating rounds.
  const { limit, artifacts } = await runLimit(seconds);
  const targets: HttpTarget[] = [];
  // Batching off (one text per model call) is measured for LAC's network only: the classic cutter has no model,
  // and has instead a reference server, the floor of the stack.
  const batchingOff = CASE.bench === 'lac' ? [oursPlan('ours-unbatched', 'ours, batching off (--max_batch_size 1)', ['--max_batch_size', '1'])] : [];
  const plans = [
    oursPlan('ours-1x2', 'ours, 1 process x 2 threads (default)', []),
    oursPlan('ours-2x1', 'ours, 2 processes x 1 thread', ['--use_multiprocess', '--workers', '2', '--threads', '1']),
    ...batchingOff,
    ...(CASE.bench === 'jieba' ? referencePlans() : []),
    peerPlan(),
  ];
  for (const plan of plans) targets.push(await runTarget(plan, generator, seconds));
  const alternating = await runAlternating(plans, artifacts, generator);

  const partial: Omit<LacResults, 'ratios'> = {
    bench: CASE.bench,
    machine,
    method: {
      body: BODY,
      concurrencies: CONCURRENCIES,
      seconds,
      warmupSeconds: WARMUP_SECONDS,
      loadGenerator: generator.description,
      loadTool: generator.tool,
    },
    targets,
    limit,
    ...(alternating ? { alternating } : {}),
  };
  const results: LacResults = { ...partial, ratios: lacRatios(partial) };
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, resultsFileName(CASE.bench, start));
  await writeFile(file, `${JSON.stringify(results, null, 1)}\n`);
  const doc = await regenerateBenchmarksDoc();

  log('');
  log(lacConsoleReport(results));
  log('');
  log(`results: ${file}`);
  log(`docs: ${doc}`);
  // The peer may be missing; our own targets and the limit may not.
  if ((CASE.bench === 'lac' && limit.status !== 'ok') || targets.some((t) => t.kind === 'ours' && t.status !== 'ok')) process.exitCode = 1;
}

await main();
