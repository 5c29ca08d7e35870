// /healthz under load on the serving port and the health port (bench/lib/health-under-load.ts), printed.
// `npm run bench -- operations` measures the same for docs/benchmarks.md.
// Run: npx tsc -p tsconfig.json && node dist/bench/health-probe.js
// Env: BENCH_CONNECTIONS (32), BENCH_SECONDS (15), HUB_HOME (default the lac bench's temp folder), HUB_LAC_DIR.

import { loadavg } from 'node:os';
import { healthUnderLoad } from './lib/health-under-load.js';

const result = await healthUnderLoad(Number(process.env.BENCH_CONNECTIONS ?? 32), Number(process.env.BENCH_SECONDS ?? 15));
process.stdout.write(`${result.loadReport}\n`);
// The cores may be shared with other work: the load average says how much, beside the figures.
process.stdout.write(`machine load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)}\n`);
for (const [name, f] of [['serving port', result.servingPort], ['health port', result.healthPort], ['bare server (control)', result.bareServer!]] as const) {
  process.stdout.write(`/healthz on the ${name}: ${f.answered} probes answered 200, ${f.failed} not; p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, max ${f.maxMs} ms\n`);
}
