// `npm run bench -- operations` (part of `npm run bench`): what an operator sees of `hub serving start -m lac`:
// warm start to ready, /healthz under load on the serving port and on --health_port, and memory around one
// large request. Writes bench/results/operations-<time>.json and regenerates docs/benchmarks.md.
// Env: HUB_HOME (default the lac bench's temp folder), HUB_LAC_DIR, RUNS (warm starts, default 5),
// BENCH_CONNECTIONS (32) and BENCH_SECONDS (15) for the load under the probes.

import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { importModule } from '../src/modules/registry-names.js';
import { regenerateBenchmarksDoc, repoRoot, resultsDir, resultsFileName } from './docs.js';
import { healthUnderLoad } from './lib/health-under-load.js';
import { largeRequestMemory } from './lib/large-request-memory.js';
import { machineInfo } from './lib/machine.js';
import { benchHubHome } from './lib/our-server.js';
import { median, warmStart } from './lib/warm-start-runs.js';
import { operationsSummary, type OperationsResults, type Part, type WarmStarts } from './operations.report.js';

const MODULE = 'lac';
const RUNS = Number(process.env.RUNS ?? 5);
const log = (line: string) => process.stdout.write(`${line}\n`);

async function part<T>(name: string, measure: () => Promise<T>): Promise<Part<T>> {
  log(`${name} ...`);
  try {
    return { status: 'ok', ...(await measure()) };
  } catch (error) {
    log(`  failed: ${(error as Error).message}`);
    return { status: 'failed', reason: (error as Error).message };
  }
}

async function warmStarts(): Promise<WarmStarts> {
  const hub = join(repoRoot, 'bin', 'hub.js');
  const env = { ...process.env, HUB_HOME: benchHubHome() };
  // Weights prepared first, so every measured start is a warm one.
  const install = spawnSync(process.execPath, [hub, 'install', MODULE], { encoding: 'utf8', env });
  if (install.status !== 0) throw new Error(`hub install ${MODULE} failed: ${install.stderr.slice(-300)}`);
  const example = (await importModule(MODULE))!.manifest.example;
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await warmStart(hub, MODULE, example, [], env));
  return { module: MODULE, runs, medianWallMs: median(runs.map((r) => r.wallMs)), medianCpuMs: median(runs.map((r) => r.cpuMs)) };
}

const start = new Date();
const results: OperationsResults = {
  bench: 'operations',
  machine: machineInfo(start),
  warmStart: await part('warm start', warmStarts),
  health: await part('/healthz under load', async () => ({
    ...(await healthUnderLoad(Number(process.env.BENCH_CONNECTIONS ?? 32), Number(process.env.BENCH_SECONDS ?? 15))),
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  })),
  memory: await part('memory around a large request', largeRequestMemory),
};
await mkdir(resultsDir, { recursive: true });
const file = join(resultsDir, resultsFileName('operations', start));
await writeFile(file, `${JSON.stringify(results, null, 1)}\n`);
const doc = await regenerateBenchmarksDoc();
log('');
log(operationsSummary(results));
log(`results: ${file}`);
log(`docs: ${doc}`);
if ([results.warmStart, results.health, results.memory].some((p) => p.status !== 'ok')) process.exitCode = 1;
