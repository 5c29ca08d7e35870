// The image benches' (ocr, detection) results file format, ratios, console table and docs section.

import type { HttpRun, HttpTarget, LimitRun } from './lac.report.js';
import { loadGeneratorWhere, percentileMethod, type LoadTool } from './lib/load.js';
import type { MachineInfo } from './lib/machine.js';
import { mdTable, num, textTable } from './lib/markdown.js';
import { disturbanceNote } from './lib/disturbance.js';

export type VisionBench = 'ocr' | 'detection';

export interface VisionRatio {
  connections: number;
  /** served req/s / in-process calls/s with 1 and 2 threads, same run. */
  vsInProcess1?: number;
  vsInProcess2?: number;
}

export interface VisionResults {
  bench: VisionBench;
  machine: MachineInfo;
  method: {
    module: string;
    /** What the image is and where it came from. */
    image: string;
    imageBytes: number;
    bodyBytes: number;
    /** What the answer was checked to contain. */
    expected: string;
    /** What it did contain (served and in-process answers must agree). */
    answer: string[];
    concurrencies: number[];
    seconds: number;
    warmupSeconds: number;
    loadGenerator: string;
    /** Absent in results from before wrk was used: autocannon. */
    loadTool?: LoadTool;
  };
  served: HttpTarget;
  inProcess: { status: 'ok' | 'not run' | 'failed'; reason?: string; runs: LimitRun[] };
  ratios: VisionRatio[];
}

const ratio = (a: number, b: number | undefined) => (b && b > 0 ? Math.round((100 * a) / b) / 100 : undefined);

export function visionRatios(results: Omit<VisionResults, 'ratios'>): VisionRatio[] {
  const one = results.inProcess.runs.find((r) => r.threads === 1)?.callsPerSecond;
  const two = results.inProcess.runs.find((r) => r.threads === 2)?.callsPerSecond;
  return results.served.runs.map((r: HttpRun) => ({ connections: r.connections, vsInProcess1: ratio(r.rps, one), vsInProcess2: ratio(r.rps, two) }));
}

const x = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(2)}x`);
/** CPU time per answer in ms: these requests cost milliseconds, not microseconds. */
const cpuMsPerRequest = (pct: number, rps: number) => (rps > 0 ? num((pct / 100 / rps) * 1000, 1) : '-');

const HEADERS = ['target', 'conc.', 'req/s', 'p50 ms', 'p99 ms', 'errors / non-2xx', 'CPU %: server (main thread) / load gen / other / idle', 'CPU ms/req'];

function rows(results: VisionResults): string[][] {
  const cores = results.machine.cores;
  const idle = (used: number) => Math.max(0, cores * 100 - used);
  const out: string[][] = [];
  const s = results.served;
  if (s.status !== 'ok') out.push([s.label, '-', s.status, '', '', '', '', '']);
  for (const r of s.runs) {
    const c = r.cpu;
    out.push([s.label, String(r.connections), num(r.rps, 1), num(r.p50Ms, 1), num(r.p99Ms, 1), `${r.errors} / ${r.non2xx}`,
      `${c.serverPct} (${c.serverMainThreadPct ?? '-'}) / ${c.loadGeneratorPct} / ${c.otherPct} / ${idle(c.serverPct + c.loadGeneratorPct + c.otherPct)}`,
      cpuMsPerRequest(c.serverPct, r.rps)]);
  }
  if (results.inProcess.status !== 'ok') out.push(['in-process', '-', results.inProcess.status, '', '', '', '', '']);
  for (const l of results.inProcess.runs) {
    out.push([`in-process, ${l.threads} thread${l.threads > 1 ? 's' : ''}`, '-', num(l.callsPerSecond, 1), num(l.p50Ms, 1), num(l.p99Ms, 1), '-',
      `${l.cpu.processPct} (-) / - / ${l.cpu.otherPct} / ${idle(l.cpu.processPct + l.cpu.otherPct)}`, cpuMsPerRequest(l.cpu.processPct, l.callsPerSecond)]);
  }
  return out;
}

const RATIO_HEADERS = ['conc.', 'served / in-process 1 thread', 'served / in-process 2 threads'];
const ratioRows = (results: VisionResults) => results.ratios.map((r) => [String(r.connections), x(r.vsInProcess1), x(r.vsInProcess2)]);

function notes(results: VisionResults): string[] {
  const out: string[] = [];
  const s = results.served;
  if (s.status !== 'ok') out.push(`${s.label}: ${s.status} (${s.reason ?? 'no reason given'})`);
  if (s.stop && (s.stop.exit !== 'code 0' || s.stop.killed)) {
    out.push(`${s.label}: on SIGTERM after the runs it did not exit cleanly: ${s.stop.killed ? 'killed after the grace period' : `exited with ${s.stop.exit}`}` +
      `${s.stop.stderr ? ` (stderr: ${s.stop.stderr})` : ''}.`);
  }
  if (results.inProcess.status !== 'ok') out.push(`in-process: ${results.inProcess.status} (${results.inProcess.reason ?? 'no reason given'})`);
  return out;
}

/** Measurements that other work on the machine disturbed, to be read with care. */
function disturbed(results: VisionResults): string[] {
  const out: string[] = [];
  const note = (what: string, other: number, top: string[] | undefined, attempts: number) => {
    const line = disturbanceNote(what, other, top, attempts);
    if (line) out.push(line);
  };
  for (const r of results.served.runs) note(`${results.served.label}, c=${r.connections}`, r.cpu.otherPct, r.cpu.otherTop, r.attempts);
  for (const l of results.inProcess.runs) note(`in-process, ${l.threads} thread(s)`, l.cpu.otherPct, l.cpu.otherTop, l.attempts);
  return out;
}

const memoryLine = (t: HttpTarget) => (t.memory ? `${num(t.memory.rssMb, 0)} MB RSS in ${t.memory.processes} process(es) after the last load run ` +
  `(peak ${num(t.memory.peakRssMb, 0)} MB)` : '-');

export function visionConsoleReport(results: VisionResults): string {
  return [
    textTable(HEADERS, rows(results)),
    '',
    textTable(RATIO_HEADERS, ratioRows(results)),
    '',
    `server memory: ${memoryLine(results.served)}`,
    ...[...notes(results), ...disturbed(results)],
  ].join('\n');
}

const TITLES: Record<VisionBench, string> = {
  ocr: 'chinese_ocr_db_crnn_mobile (OCR)',
  detection: 'centernet_mobilenet_v3_coco2017 (object detection)',
};

export function visionDocSection(results: VisionResults, file: string): string {
  const m = results.machine;
  const method = results.method;
  const d = disturbed(results);
  return [
    `## ${TITLES[results.bench]}`,
    '',
    `Run ${m.date}${m.commit ? ` at commit ${m.commit}` : ''} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}; 1-minute load average ` +
      `${m.loadAverage1m} at the start. Results: [\`bench/results/${file}\`](../bench/results/${file}).`,
    '',
    '### Method',
    '',
    `- Every request is \`POST /predict/${method.module}\` with \`{"images": ["<base64>"]}\` (${num(method.bodyBytes, 0)} bytes): ` +
      `${method.image} (${num(method.imageBytes, 0)} bytes). The answer is checked once before any load, served and ` +
      `in-process alike: ${method.expected}; it was ${method.answer.map((a) => `"${a}"`).join(', ')}.`,
    `- Served: \`${results.served.command}\`, our CLI as a child process${results.served.layout ? `; it printed "${results.served.layout}"` : ''}. ` +
      `Load: ${method.loadGenerator}, concurrency ${method.concurrencies.join(' and ')}; at each, ${method.warmupSeconds} s of warm-up ` +
      `(discarded), then ${method.seconds} s measured. req/s counts 2xx answers; p50/p99 are ${percentileMethod(method.loadTool)}.`,
    '- In-process: the module\'s own `load()` and `predict()` in a worker thread of the bench, with a stand-in pool that ' +
      'calls the module\'s task file (the inference thread\'s function) directly on the same thread; ONNX Runtime sessions ' +
      'as the server makes them (CPU, 1 intra-op thread). One call = one request\'s work: argument check, base64 and image ' +
      'decode, resize, the networks, post-processing; no HTTP, no JSON, no hand-off between threads. First 1 thread, then ' +
      '2 threads calling at once (the 2-core ceiling). Its req/s column is calls/s, its latency one call. Image decode and ' +
      'resize run in sharp\'s own thread pool in both cases.',
    '- CPU column: % of one core during the measured window, as in the lac section (server process tree with its busiest ' +
      `main thread in brackets, load generator (${loadGeneratorWhere(method.loadTool)}), other work, idle); CPU ms/req is server ` +
      '(or in-process) CPU time per answer. ' +
      'Measurements disturbed by other work (25% of a core or more) are repeated, up to 3 times, keeping the least disturbed.',
    '- No peer: there is no PaddleHub Serving (or other server) for this model on this machine to compare with, so this ' +
      'section compares serving with the same pipeline in-process only.',
    '',
    '### Throughput and latency',
    '',
    mdTable(HEADERS, rows(results)),
    '',
    `- Server memory: ${memoryLine(results.served)}.`,
    ...notes(results).map((n) => `- ${n}`),
    ...(d.length ? ['', 'Measurements that other work on the machine disturbed or made us repeat:', '', ...d.map((n) => `- ${n}`)] : []),
    '',
    '### Ratios (from this one run)',
    '',
    mdTable(RATIO_HEADERS, ratioRows(results)),
    '',
    `- The load generator shares the ${m.cores} cores with the server (its share is in the CPU column); the in-process ` +
      'figure pays no such cost, so served / in-process includes it.',
    '- The server overlaps one request\'s decode (event loop, sharp\'s pool) with other requests\' inference on its 2 ' +
      'inference threads, while each in-process thread does its steps one after another; so with a queue (concurrency 8) ' +
      'served can reach or pass in-process with 2 threads.',
  ].join('\n');
}
