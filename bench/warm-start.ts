// Warm start: how long `hub serving start -m lac` takes to ready (bench/lib/warm-start-runs.ts), with the
// weights already prepared in HUB_HOME. Bounded: RUNS starts (default 5) per build, each given up after 60 s.
// `npm run bench -- operations` measures the same for docs/benchmarks.md; this compares builds.
// `npx tsc -p tsconfig.json && node dist/bench/warm-start.js [module] [start flags...]`; HUB_HOME and
// HUB_LAC_DIR are passed on. HUB_BIN=a/bin/hub.js,b/bin/hub.js compares builds: their starts alternate, so
// a load that changes meanwhile falls on each alike.

import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { importModule } from '../src/modules/registry-names.js';
import { median, warmStart } from './lib/warm-start-runs.js';

const BUILDS = (process.env.HUB_BIN ?? fileURLToPath(new URL('../../bin/hub.js', import.meta.url))).split(',');
const RUNS = Number(process.env.RUNS ?? 5);
const [module = 'lac', ...extra] = process.argv.slice(2);

// Weights prepared first, so every measured start is a warm one.
const install = spawnSync(process.execPath, [BUILDS[0]!, 'install', module], { encoding: 'utf8' });
if (install.status !== 0) {
  console.error(`hub install ${module} failed:\n${install.stderr}`);
  process.exit(1);
}
const definition = await importModule(module);
if (!definition) {
  console.error(`${module} is not a built-in module`);
  process.exit(1);
}
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`load average (1, 5, 15 min) at the start: ${load()}`);
const walls = BUILDS.map((): number[] => []);
const cpus = BUILDS.map((): number[] => []);
for (let i = 0; i < RUNS; i++) {
  for (const [b, hub] of BUILDS.entries()) {
    const { wallMs: wall, cpuMs: cpu } = await warmStart(hub, module, definition.manifest.example, extra);
    walls[b]!.push(wall);
    cpus[b]!.push(cpu);
    console.log(`${hub} run ${i + 1}: ready in ${wall.toFixed(0)} ms, ${cpu.toFixed(0)} ms of CPU`);
  }
}
for (const [b, hub] of BUILDS.entries()) {
  const w = walls[b]!;
  console.log(`${hub}: ${module} warm start to ready, median ${median(w).toFixed(0)} ms of ${RUNS} (min ${Math.min(...w).toFixed(0)}, ` +
    `max ${Math.max(...w).toFixed(0)}); CPU used by then, median ${median(cpus[b]!).toFixed(0)} ms`);
}
console.log(`load average (1, 5, 15 min) at the end: ${load()}`);
