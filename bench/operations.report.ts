// The operations bench's results file format, its summary and its section of docs/benchmarks.md.

import type { HealthUnderLoad } from './lib/health-under-load.js';
import type { LargeRequestMemory } from './lib/large-request-memory.js';
import type { MachineInfo } from './lib/machine.js';
import { mdTable, num } from './lib/markdown.js';
import type { WarmStart } from './lib/warm-start-runs.js';

/** One part of the bench: its figures, or why it has none. */
export type Part<T> = ({ status: 'ok' } & T) | { status: 'failed'; reason: string };

export interface WarmStarts {
  module: string;
  runs: WarmStart[];
  medianWallMs: number;
  medianCpuMs: number;
}

export interface OperationsResults {
  bench: 'operations';
  machine: MachineInfo;
  warmStart: Part<WarmStarts>;
  health: Part<HealthUnderLoad & { loadAverage1m: number }>;
  memory: Part<LargeRequestMemory>;
}

const ms = (v: number) => `${num(v, v < 10 ? 2 : 0)} ms`;

function warmLines(w: Part<WarmStarts>): string[] {
  if (w.status !== 'ok') return [`- Warm start: failed (${w.reason}).`];
  const walls = w.runs.map((r) => Math.round(r.wallMs));
  return [`- Warm start of \`hub serving start -m ${w.module}\` to ready (weights prepared; the first /readyz 200, then the example request ` +
    `answered 200): **median ${ms(w.medianWallMs)}** over ${w.runs.length} starts (${walls.join(', ')} ms); CPU used by then, median ${ms(w.medianCpuMs)}.`];
}

function healthLines(h: OperationsResults['health']): string[] {
  if (h.status !== 'ok') return [`- /healthz under load: failed (${h.reason}).`];
  const row = (name: string, f: HealthUnderLoad['servingPort']) => [name, String(f.answered), String(f.failed), ms(f.p50Ms), ms(f.p99Ms), ms(f.maxMs)];
  return [
    `- /healthz under load: \`hub serving start -m lac --health_port P\` loaded by \`hub bench -m lac -c ${h.connections} -d ${h.seconds}\` (both cores busy), ` +
      `while /healthz is asked one at a time on each port, 20 ms apart. Load average ${h.loadAverage1m} at the end. The load: ` +
      `${h.loadReport.split('\n').find((l) => /req\/s|requests/.test(l))?.trim() ?? '-'}`,
    '',
    mdTable(['port', 'answered 200', 'not', 'p50', 'p99', 'max'], [
      row('serving port', h.servingPort),
      row('health port (its own thread)', h.healthPort),
      ...(h.bareServer ? [row('control: a bare node:http server, its own process', h.bareServer)] : []),
    ]),
    '',
    ...(h.bareServer ? ['The control answers "ok" from an idle process of its own: its p99 is what the scheduler of this machine gives any server ' +
      'while the cores are saturated, the floor under the other two.', ''] : []),
  ];
}

function memoryLines(m: Part<LargeRequestMemory>): string[] {
  if (m.status !== 'ok') return [`- Memory after a large request: failed (${m.reason}).`];
  return [
    `- Memory around one lac request of ${m.texts} texts x ${num(m.characters, 0)} characters with batch_size ${m.texts} (answered in ${ms(m.answerMs)}): ` +
      `RSS ${m.idleMb} MB idle, peak ${m.peakMb} MB; after the answer, each second: ${m.afterMb.join(', ')} MB. ` +
      (m.within20PctAfterS !== undefined ? `Within 20% of idle ${m.within20PctAfterS} s after the answer.` : 'Not back within 20% of idle in the 15 s watched.'),
  ];
}

/** The operations section of docs/benchmarks.md, from one results file. */
export function operationsDocSection(results: OperationsResults, file: string): string {
  const m = results.machine;
  return [
    '## Operations (lac): warm start, probes under load, memory after a large request',
    '',
    `Run ${m.date}${m.commit ? ` at commit ${m.commit}` : ''} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}; 1-minute load average ` +
      `${m.loadAverage1m} at the start. Results: [\`bench/results/${file}\`](../bench/results/${file}).`,
    '',
    ...warmLines(results.warmStart),
    ...healthLines(results.health),
    ...memoryLines(results.memory),
  ].join('\n');
}

/** The same, for the terminal. */
export function operationsSummary(results: OperationsResults): string {
  return operationsDocSection(results, '-').split('\n').slice(4).join('\n');
}
