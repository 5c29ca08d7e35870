// The soak's request mix, its results file format, its console summary and its section of docs/benchmarks.md.

import type { MachineInfo } from './lib/machine.js';
import type { StopReport } from './lib/servers.js';
import { mdTable, num } from './lib/markdown.js';

export interface SoakCase {
  name: string;
  path: string;
  body: string;
  contentType?: string;
  /** The HTTP status this request must get, every time. */
  expect: number;
  /** Share of the mix. */
  weight: number;
}

const SENTENCES = Array.from({ length: 50 }, (_, i) => (i % 2 ? '天气预报说今天要下雨' : '今天是个好日子，我们一起去公园散步吧'));

/** Good requests of each kind a user sends, and the mistakes and attacks the server must keep refusing. */
export const SOAK_MIX: SoakCase[] = [
  { name: 'lac, 2 texts', path: '/predict/lac', body: JSON.stringify({ texts: ['今天是个好日子', '天气预报说今天要下雨'] }), expect: 200, weight: 6 },
  { name: 'lac, 50 texts', path: '/predict/lac', body: JSON.stringify({ texts: SENTENCES, batch_size: 8 }), expect: 200, weight: 1 },
  { name: 'jieba_paddle, classic', path: '/predict/jieba_paddle', body: JSON.stringify({ sentence: '今天是个好日子，天气预报说今天要下雨', use_paddle: false }), expect: 200, weight: 6 },
  { name: 'jieba_paddle, paddle mode', path: '/predict/jieba_paddle', body: JSON.stringify({ sentence: '今天是个好日子，天气预报说今天要下雨', use_paddle: true }), expect: 200, weight: 2 },
  { name: 'JSON sent as text/plain', path: '/predict/lac', body: JSON.stringify({ text: '今天是个好日子' }), contentType: 'text/plain', expect: 200, weight: 1 },
  { name: 'malformed JSON', path: '/predict/lac', body: '{"texts": ["今天', expect: 400, weight: 1 },
  { name: 'unknown argument', path: '/predict/lac', body: '{"txt": ["今天"]}', expect: 400, weight: 1 },
  { name: 'nested 10,000 deep', path: '/predict/lac', body: '['.repeat(10_000) + ']'.repeat(10_000), expect: 400, weight: 1 },
  { name: 'unknown module', path: '/predict/lax', body: '{"texts": ["今天"]}', expect: 404, weight: 1 },
];

export interface SoakSample {
  /** Since the load began. */
  seconds: number;
  rssMb: number;
  /** Answers in the window before this sample. */
  requests: number;
  p50Ms?: number;
  p99Ms?: number;
  serverCpuPct: number;
}

export interface SoakResults {
  bench: 'soak';
  machine: MachineInfo;
  method: { minutes: number; connections: number; sampleSeconds: number; newConnectionEvery: number; command: string };
  /** Ready and not yet loaded. */
  idleRssMb: number;
  /** 10 s after the load ended. */
  afterIdleRssMb: number;
  samples: SoakSample[];
  cases: { name: string; expect: number; sent: number; expected: number; unexpected: Record<string, number> }[];
  healthAfter: number;
  stop: StopReport;
}

/** The q-quantile of sorted values (nearest rank); undefined for none. */
export function percentile(sorted: number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

interface Figures {
  requests: number;
  wrong: number;
  /** RSS at the end of the first minute, when the allocator and the caches have warmed up. */
  warmRssMb: number;
  peakRssMb: number;
  finalRssMb: number;
  /** Growth from the first minute to the last sample, in %. */
  growthPct: number;
  /** Median RSS of the first and of the last three minutes: the allocator's swings average out. */
  firstMedianMb: number;
  lastMedianMb: number;
  /** Least-squares slope of RSS after the first minute, MB per minute. */
  slopeMbPerMin: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
};

function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / den;
}

function figures(results: SoakResults): Figures {
  const samples = results.samples;
  const warm = samples.find((s) => s.seconds >= 60) ?? samples[0]!;
  const final = samples.at(-1)!;
  return {
    requests: results.cases.reduce((n, c) => n + c.sent, 0),
    wrong: results.cases.reduce((n, c) => n + c.sent - c.expected, 0),
    warmRssMb: warm.rssMb,
    peakRssMb: Math.max(...samples.map((s) => s.rssMb)),
    finalRssMb: final.rssMb,
    growthPct: Math.round((1000 * (final.rssMb - warm.rssMb)) / warm.rssMb) / 10,
    firstMedianMb: median(samples.filter((x) => x.seconds <= 180).map((x) => x.rssMb)),
    lastMedianMb: median(samples.filter((x) => x.seconds > final.seconds - 180).map((x) => x.rssMb)),
    slopeMbPerMin: Math.round(10 * slope(samples.filter((x) => x.seconds >= 60).map((x) => ({ x: x.seconds / 60, y: x.rssMb })))) / 10,
  };
}

export function soakSummary(results: SoakResults): string {
  const f = figures(results);
  return `soak: ${f.requests} requests in ${results.method.minutes} min, ${f.wrong} with an unexpected status; RSS idle ${results.idleRssMb} MB, ` +
    `after 1 min ${f.warmRssMb} MB, peak ${f.peakRssMb} MB, end ${f.finalRssMb} MB (${f.growthPct >= 0 ? '+' : ''}${f.growthPct}%), ` +
    `median of the first / last 3 min ${f.firstMedianMb} / ${f.lastMedianMb} MB, slope ${f.slopeMbPerMin} MB/min; 10 s after the load ${results.afterIdleRssMb} MB; /healthz ${results.healthAfter}; stop: ${results.stop.exit} in ${results.stop.ms} ms`;
}

export function soakDocSection(results: SoakResults, file: string): string {
  const m = results.machine;
  const f = figures(results);
  const perMinute = results.samples.filter((s, i, all) => s.seconds % 60 < results.method.sampleSeconds || i === all.length - 1);
  return [
    '## Soak (memory and correctness over time)',
    '',
    `Run ${m.date}${m.commit ? ` at commit ${m.commit}` : ''} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}; 1-minute load average ` +
      `${m.loadAverage1m} at the start. Results: [\`bench/results/${file}\`](../bench/results/${file}). \`npm run soak\` (SOAK_MINUTES, SOAK_CONNECTIONS).`,
    '',
    `- \`${results.method.command}\`, ${results.method.connections} keep-alive connections for ${results.method.minutes} minutes, each opening a new ` +
      `connection every ${results.method.newConnectionEvery} requests; the mix below, in turn. VmRSS of the server's process tree every ` +
      `${results.method.sampleSeconds} s (inference threads are inside the process).`,
    `- **${num(f.requests, 0)} requests, ${f.wrong} with a status other than expected.** RSS: ${results.idleRssMb} MB idle, ${f.warmRssMb} MB after the ` +
      `first minute, peak ${f.peakRssMb} MB, ${f.finalRssMb} MB at the end: **${f.growthPct >= 0 ? '+' : ''}${f.growthPct}% from minute 1 to the end**; ` +
      `${results.afterIdleRssMb} MB 10 s after the load. /healthz after: ${results.healthAfter}. SIGTERM: ${results.stop.exit} in ${results.stop.ms} ms.`,
    `- RSS swings with the allocator's arenas from one sample to the next; the trend: median ${f.firstMedianMb} MB over the first three minutes, ` +
      `${f.lastMedianMb} MB over the last three; least-squares slope after minute 1: **${f.slopeMbPerMin >= 0 ? '+' : ''}${f.slopeMbPerMin} MB per minute**.`,
    '',
    mdTable(['request', 'expected status', 'sent', 'as expected', 'other statuses'],
      results.cases.map((c) => [c.name, String(c.expect), num(c.sent, 0), num(c.expected, 0),
        Object.entries(c.unexpected).map(([status, n]) => `${status === '0' ? 'no answer' : status}: ${n}`).join(', ') || '-'])),
    '',
    mdTable(['time', 'RSS MB', 'req/s', 'p50 ms', 'p99 ms', 'server CPU %'],
      perMinute.map((s) => [`${Math.round(s.seconds / 60)} min`, num(s.rssMb, 0), num(s.requests / results.method.sampleSeconds, 0),
        num(s.p50Ms, 1), num(s.p99Ms, 1), String(s.serverCpuPct)])),
    '',
    '- req/s, p50 and p99 are of the 10 s window before each row\'s sample, over the whole mix (a 50-text lac request and a ' +
      'refused body alike). The load generator shares the 2 cores with the server.',
  ].join('\n');
}
