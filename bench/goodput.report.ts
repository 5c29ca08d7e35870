// The goodput bench's results file format, its summary line and its section of docs/benchmarks.md.

import type { MachineInfo } from './lib/machine.js';
import type { CpuShare } from './lib/proc.js';
import { mdTable, num } from './lib/markdown.js';

/** Answers of one HTTP status (or 'error' for a connection that failed) in the measured window. */
export interface StatusFigures {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface GoodputRun {
  label: string;
  command: string;
  /** The layout line the server printed at start. */
  layout?: string;
  /** The server's --timeout: 2, or 60 (its default) for the run without one. */
  timeoutSeconds: number;
  status: 'ok' | 'failed';
  reason?: string;
  /** 200s per second over the measured window. */
  goodput?: number;
  /** 200s answered in each second of the measured window. */
  perSecond?: number[];
  /** By HTTP status as a string ('200', '429', ...), and 'error'. */
  answers?: Record<string, StatusFigures>;
  cpu?: CpuShare;
  /** Measurements taken: more than 1 when other work on the machine disturbed the first. */
  attempts?: number;
}

export interface GoodputResults {
  bench: 'goodput';
  machine: MachineInfo;
  method: {
    module: string;
    clients: number;
    texts: number;
    bodyBytes: number;
    warmupSeconds: number;
    seconds: number;
    /** Whether a client refused with Retry-After waits that long before its next request. */
    honourRetryAfter: boolean;
  };
  runs: GoodputRun[];
  /** Goodput with the short timeout / goodput without it. */
  ratio?: number;
  /** The same ratio per core of server CPU time: steadier where other work takes a varying share of the cores. */
  ratioPerCore?: number;
}

/** 200s per second per core of CPU the server used: what its work bought, whatever share of the cores it got. */
export function goodputPerCore(run: GoodputRun): number | undefined {
  return run.goodput !== undefined && run.cpu && run.cpu.serverPct > 0 ? Math.round((run.goodput / (run.cpu.serverPct / 100)) * 10) / 10 : undefined;
}

const statusOrder = (a: string, b: string) => (a === 'error' ? 1 : b === 'error' ? -1 : Number(a) - Number(b));

function answerCells(run: GoodputRun): string {
  const answers = run.answers ?? {};
  return Object.keys(answers).sort(statusOrder)
    .map((status) => `${status}: ${answers[status]!.count} (p50 ${num(answers[status]!.p50Ms, 0)} / p99 ${num(answers[status]!.p99Ms, 0)} ms)`)
    .join('; ');
}

/** One line per run and the ratio, for the terminal. */
export function goodputSummary(results: GoodputResults): string {
  const lines = results.runs.map((r) => r.status === 'ok'
    ? `${r.label}: goodput ${num(r.goodput, 1)}/s (${num(goodputPerCore(r), 1)}/s per core of server CPU); ${answerCells(r)}`
    : `${r.label}: ${r.status} (${r.reason ?? 'no reason given'})`);
  if (results.ratio !== undefined) {
    lines.push(`goodput with --timeout ${results.runs[0]!.timeoutSeconds} / without: ${results.ratio.toFixed(2)}x; per core of server CPU: ${results.ratioPerCore?.toFixed(2) ?? '-'}x`);
  }
  return lines.join('\n');
}

/** The goodput section of docs/benchmarks.md, from one results file. */
export function goodputDocSection(results: GoodputResults, file: string): string {
  const m = results.machine;
  const method = results.method;
  const rows = results.runs.map((r) => [r.label, r.status === 'ok' ? num(r.goodput, 1) : r.status, num(goodputPerCore(r), 1), answerCells(r),
    r.cpu ? `${r.cpu.serverPct} (${r.cpu.serverMainThreadPct ?? '-'}) / ${r.cpu.loadGeneratorPct} / ${r.cpu.otherPct}` : '-', String(r.attempts ?? 1)]);
  return [
    '## Goodput under overload (lac)',
    '',
    `Run ${m.date}${m.commit ? ` at commit ${m.commit}` : ''} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}; 1-minute load average ` +
      `${m.loadAverage1m} at the start. Results: [\`bench/results/${file}\`](../bench/results/${file}).`,
    '',
    `- ${method.clients} clients, each sending \`POST /predict/${method.module}\` with ${method.texts} texts (${num(method.bodyBytes, 0)} bytes) ` +
      `as soon as its previous answer came${method.honourRetryAfter ? ', or after the Retry-After of a 429 or 503' : ''}: more than the ` +
      'server can answer in time. The clients are the bench\'s own (node:http, in the bench process), not wrk: each waits out ' +
      `its own Retry-After, which wrk cannot do. ${method.warmupSeconds} s of warm-up (discarded), then ${method.seconds} s measured; an answer counts in ` +
      'the second it arrived. Goodput is 200s per second; latencies are per HTTP status. A measurement during which other work took ' +
      '25% of a core or more is taken again, up to 3 times in all, after waiting for a quiet moment; the least disturbed is kept.',
    ...results.runs.map((r) => `- ${r.label}: \`${r.command}\`${r.layout ? `; it printed "${r.layout}"` : ''}.`),
    '- The server serves the earliest deadlines first, drops queued work whose deadline passed, and refuses at once (429, Retry-After) ' +
      'a request that the queue ahead of it would make miss its deadline, so the threads work only for answers that can still be given. ' +
      '`node dist/bench/goodput.js --ignore-retry-after` measures clients that resend at once after a 429 instead.',
    '',
    mdTable(['server', 'goodput /s', 'per core of server CPU', 'answers by status: count (latency)', 'CPU %: server (main thread) / load gen / other', 'attempts'], rows),
    '',
    ...(results.ratio !== undefined ? [`Goodput with --timeout ${results.runs[0]!.timeoutSeconds} is ${results.ratio.toFixed(2)}x goodput without it at ` +
      `the same load (${results.ratioPerCore?.toFixed(2) ?? '-'}x per core of server CPU, the steadier figure where other work takes a ` +
      'varying share of the cores). The load generator shares the cores with the server; figures from one run on a shared machine ' +
      'are indicative.'] : []),
  ].join('\n');
}
