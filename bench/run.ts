// `npm run bench`: every bench in one go (lac, jieba, ocr, detection, goodput, operations), one after another, each in its own process
// so that no bench's threads, sessions or memory linger into the next one's figures. Each writes its own
// results file and regenerates docs/benchmarks.md, so the page ends with a section per bench from this run.
// `npm run bench -- ocr detection` (or BENCH=ocr,detection) runs only those. BENCH_SECONDS, GOODPUT_SECONDS
// and HUB_HOME are passed on.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES: Record<string, string[]> = {
  lac: ['lac.bench.js'],
  jieba: ['lac.bench.js', 'jieba'],
  ocr: ['vision.bench.js', 'ocr'],
  detection: ['vision.bench.js', 'detection'],
  goodput: ['goodput.js'],
  operations: ['operations.js'],
};

const asked = [...process.argv.slice(2), ...(process.env.BENCH ?? '').split(',')].map((s) => s.trim()).filter(Boolean);
const unknown = asked.filter((name) => !(name in BENCHES));
if (unknown.length) {
  console.error(`unknown bench ${unknown.join(', ')}; expected some of: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const chosen = asked.length ? Object.keys(BENCHES).filter((name) => asked.includes(name)) : Object.keys(BENCHES);

const failed: string[] = [];
for (const name of chosen) {
  const [file, ...args] = BENCHES[name];
  process.stdout.write(`\n=== ${name} ===\n`);
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(`./${file}`, import.meta.url)), ...args], { stdio: 'inherit' });
  // A bench that fails keeps the others running: one broken module should not cost the rest of the run.
  if (result.status !== 0) failed.push(`${name} (${result.signal ?? `exit ${result.status}`})`);
}
if (failed.length) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
