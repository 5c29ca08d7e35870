// The lac bench's results file format, its ratios, its console table and its section of docs/benchmarks.md.

import { loadGeneratorWhere, percentileMethod, type LoadResult, type LoadTool } from './lib/load.js';
import type { MachineInfo } from './lib/machine.js';
import type { CpuShare, TreeMemory } from './lib/proc.js';
import type { StopReport } from './lib/servers.js';
import type { LimitResult } from './lac.limit.js';
import { mdTable, num, textTable } from './lib/markdown.js';
import { disturbanceNote } from './lib/disturbance.js';

export interface HttpRun extends LoadResult {
  cpu: CpuShare;
  /** Measurements taken: more than 1 when other work on the machine disturbed the first. */
  attempts: number;
}

/** Results from before length groups have no `grouping`: their calls were one padded batch. */
export type LimitRun = Omit<LimitResult, 'grouping'> & { grouping?: LimitResult['grouping']; attempts: number };

/** The network at batch 64 (one padded call), what the targets are set against. */
const batch64 = (r: Pick<LimitRun, 'grouping'>) => (r.grouping ?? 'batch64') === 'batch64';

export function limitLabel(r: Pick<LimitRun, 'threads' | 'grouping'>): string {
  return `in-process limit, ${r.threads} thread${r.threads > 1 ? 's' : ''}${batch64(r) ? '' : ', length groups'}`;
}

export interface HttpTarget {
  id: string;
  label: string;
  /** reference: the bare stack with the same cutter (jieba bench only), what ours cannot beat. */
  kind: 'ours' | 'peer' | 'reference';
  command: string;
  /** What a reference server does and leaves out, for the method. */
  description?: string;
  /** The layout line the server printed at start, when it prints one. */
  layout?: string;
  status: 'ok' | 'not run' | 'failed';
  reason?: string;
  runs: HttpRun[];
  /** Read after the last load run, before the server is stopped. */
  memory?: TreeMemory;
  /** How it ended on SIGTERM after the runs; `stderr` holds the last lines when that was not a clean exit. */
  stop?: StopReport & { stderr?: string };
}

export interface LacRatio {
  target: string;
  connections: number;
  vsPeer?: number;
  vsLimit1?: number;
  vsLimit2?: number;
  /** ours / the limit on 2 threads with the server's length groups (absent before them). */
  vsLimitGrouped?: number;
  /** This layout / our default layout (the first of ours), same concurrency. */
  vsDefault?: number;
}

export interface LacResults {
  /** lac: LAC's network vs the peer's jieba; jieba: jieba_paddle's classic cutter on both sides. */
  bench: 'lac' | 'jieba';
  machine: MachineInfo;
  method: {
    body: string;
    concurrencies: number[];
    seconds: number;
    warmupSeconds: number;
    loadGenerator: string;
    /** Absent in results from before wrk was used: autocannon. */
    loadTool?: LoadTool;
  };
  targets: HttpTarget[];
  limit: { status: 'ok' | 'not run' | 'failed'; reason?: string; source?: string; runs: LimitRun[] };
  ratios: LacRatio[];
  /** The same targets again at one concurrency, all up at once and measured in turn, round after round (absent in older results). */
  alternating?: AlternatingRounds;
}

/**
 * Targets measured in turn, round after round, with every server up: this machine's speed swings by a third
 * within minutes, so targets measured one after another can be compared at different speeds; a ratio taken
 * within one round (seconds apart) and then its median over the rounds is not moved by such a swing.
 */
export interface AlternatingRounds {
  connections: number;
  rounds: number;
  /** Measured seconds of each target in each round, after warmUpSeconds of load that is discarded. */
  seconds: number;
  warmupSeconds: number;
  /** req/s of each target in each round (null: that run failed); the limit's id is `limit`, in requests' worth. */
  series: { id: string; label: string; kind: HttpTarget['kind'] | 'limit'; rps: (number | null)[] }[];
}

export interface AlternatingRatio {
  target: string;
  medianRps: number | undefined;
  /** Medians over the rounds of the ratio within each round. */
  vsPeer?: number;
  vsLimit?: number;
  vsDefault?: number;
}

/** The median of the values present; undefined when there are none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Per round: target / other, where both answered; then the median over the rounds, to two decimals. */
function medianRatio(target: (number | null)[], other: (number | null)[] | undefined): number | undefined {
  if (!other) return undefined;
  const ratios = target.flatMap((value, round) => {
    const base = other[round];
    return value !== null && base !== null && base !== undefined && base > 0 ? [value / base] : [];
  });
  const value = median(ratios);
  return value === undefined ? undefined : Math.round(value * 100) / 100;
}

/** Ours and the references against the peer, the limit and our default layout, each ratio within a round. */
export function alternatingRatios(alternating: AlternatingRounds): AlternatingRatio[] {
  const of = (kind: AlternatingRounds['series'][number]['kind']) => alternating.series.find((s) => s.kind === kind)?.rps;
  const peer = of('peer');
  const limit = of('limit');
  const defaultLayout = of('ours');
  return alternating.series.filter((s) => s.kind === 'ours' || s.kind === 'reference').map((s) => ({
    target: s.id,
    medianRps: median(s.rps.filter((v): v is number => v !== null)),
    vsPeer: medianRatio(s.rps, peer),
    vsLimit: medianRatio(s.rps, limit),
    vsDefault: medianRatio(s.rps, defaultLayout),
  }));
}

const ratio = (a: number, b: number | undefined) => (b && b > 0 ? Math.round((100 * a) / b) / 100 : undefined);

/** ours / peer at the same concurrency, ours / in-process limit (1 and 2 threads), all from this run. */
export function lacRatios(results: Omit<LacResults, 'ratios'>): LacRatio[] {
  const peer = results.targets.find((t) => t.kind === 'peer' && t.status === 'ok');
  const limit1 = results.limit.runs.find((r) => r.threads === 1 && batch64(r))?.callsPerSecond;
  const limit2 = results.limit.runs.find((r) => r.threads === 2 && batch64(r))?.callsPerSecond;
  const limitGrouped = results.limit.runs.find((r) => r.threads === 2 && !batch64(r))?.callsPerSecond;
  const out: LacRatio[] = [];
  const ours = results.targets.filter((t) => t.kind === 'ours' && t.status === 'ok');
  const defaultLayout = ours[0];
  // The reference's row says how far the bare stack gets (vs the peer) and how much our defaults leave to it.
  const reference = results.targets.filter((t) => t.kind === 'reference' && t.status === 'ok');
  for (const target of [...ours, ...reference]) {
    for (const run of target.runs) {
      const peerRun = peer?.runs.find((r) => r.connections === run.connections);
      const defaultRun = defaultLayout?.runs.find((r) => r.connections === run.connections);
      out.push({
        target: target.id,
        connections: run.connections,
        vsPeer: ratio(run.rps, peerRun?.rps),
        vsLimit1: ratio(run.rps, limit1),
        vsLimit2: ratio(run.rps, limit2),
        vsLimitGrouped: ratio(run.rps, limitGrouped),
        vsDefault: ratio(run.rps, defaultRun?.rps),
      });
    }
  }
  return out;
}

const x = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(2)}x`);
/** Server CPU time per answer, in microseconds: what one request costs, whatever the layout. */
const cpuPerRequest = (pct: number, rps: number) => (rps > 0 ? num((pct / 100 / rps) * 1e6, 0) : '-');

function throughputRows(results: LacResults): string[][] {
  const cores = results.machine.cores;
  const idle = (used: number) => Math.max(0, cores * 100 - used);
  const cpuCell = (c: CpuShare) => `${c.serverPct} (${c.serverMainThreadPct ?? '-'}) / ${c.loadGeneratorPct} / ${c.otherPct} / ` +
    `${idle(c.serverPct + c.loadGeneratorPct + c.otherPct)}`;
  const rows: string[][] = [];
  for (const t of results.targets) {
    if (t.status !== 'ok') rows.push([t.label, '-', t.status, '', '', '', '', '']);
    for (const r of t.runs) {
      rows.push([t.label, String(r.connections), num(r.rps, 0), num(r.p50Ms, 2), num(r.p99Ms, 2), `${r.errors} / ${r.non2xx}`,
        cpuCell(r.cpu), cpuPerRequest(r.cpu.serverPct, r.rps)]);
    }
  }
  if (results.limit.status !== 'ok') rows.push(['in-process limit', '-', results.limit.status, '', '', '', '', '']);
  for (const l of results.limit.runs) {
    rows.push([limitLabel(l), '-', num(l.callsPerSecond, 0), num(l.p50Ms, 2), num(l.p99Ms, 2), '-',
      `${l.cpu.processPct} (-) / - / ${l.cpu.otherPct} / ${idle(l.cpu.processPct + l.cpu.otherPct)}`, cpuPerRequest(l.cpu.processPct, l.callsPerSecond)]);
  }
  return rows;
}

const THROUGHPUT_HEADERS = ['target', 'conc.', 'req/s', 'p50 ms', 'p99 ms', 'errors / non-2xx',
  'CPU %: server (main thread) / load gen / other / idle', 'server CPU µs/req'];

/** Why a target has no figures (the table only says "not run" or "failed"), and servers that did not stop cleanly. */
function statusNotes(results: LacResults): string[] {
  const notes = results.targets.filter((t) => t.status !== 'ok').map((t) => `${t.label}: ${t.status} (${t.reason ?? 'no reason given'})`);
  for (const t of results.targets) {
    if (!t.stop || (t.stop.exit === 'code 0' && !t.stop.killed)) continue;
    notes.push(`${t.label}: on SIGTERM after the runs it did not exit cleanly: ${t.stop.killed ? 'still running after the grace ' +
      'period, killed' : `exited with ${t.stop.exit}`} after ${t.stop.ms} ms${t.stop.stderr ? ` (stderr: ${t.stop.stderr})` : ''}.`);
  }
  if (results.limit.status !== 'ok') notes.push(`in-process limit: ${results.limit.status} (${results.limit.reason ?? 'no reason given'})`);
  return notes;
}

/** Measurements that other work on the machine disturbed, to be read with care. */
function disturbed(results: LacResults): string[] {
  const notes: string[] = [];
  const note = (what: string, other: number, top: string[] | undefined, attempts: number) => {
    const line = disturbanceNote(what, other, top, attempts);
    if (line) notes.push(line);
  };
  for (const t of results.targets) for (const r of t.runs) note(`${t.label}, c=${r.connections}`, r.cpu.otherPct, r.cpu.otherTop, r.attempts);
  for (const l of results.limit.runs) note(limitLabel(l), l.cpu.otherPct, l.cpu.otherTop, l.attempts);
  return notes;
}

function ratioRows(results: LacResults): string[][] {
  const label = (id: string) => results.targets.find((t) => t.id === id)?.label ?? id;
  return results.ratios.map((r) => [label(r.target), String(r.connections), x(r.vsPeer), x(r.vsLimit1), x(r.vsLimit2), x(r.vsLimitGrouped), x(r.vsDefault)]);
}

const RATIO_HEADERS = ['target', 'conc.', 'target / peer', 'target / limit 1 thread', 'target / limit 2 threads',
  'target / limit 2 threads, length groups', 'target / our default layout'];

/** The table of the alternating rounds; the limit's column only where a limit ran (the jieba bench has none). */
function alternatingTable(alternating: AlternatingRounds): { headers: string[]; rows: string[][] } {
  const withLimit = alternating.series.some((s) => s.kind === 'limit');
  const ratios = new Map(alternatingRatios(alternating).map((r) => [r.target, r]));
  const rows = alternating.series.map((s) => {
    const r = ratios.get(s.id);
    const label = s.kind === 'limit' ? limitLabel({ threads: 2 }) : s.label;
    return [label, s.rps.map((v) => (v === null ? 'failed' : num(v, 0))).join(', '), num(median(s.rps.filter((v): v is number => v !== null)), 0),
      x(r?.vsPeer), ...(withLimit ? [x(r?.vsLimit)] : []), x(r?.vsDefault)];
  });
  const headers = ['target', 'req/s in each round', 'median req/s', 'target / peer', ...(withLimit ? ['target / limit 2 threads'] : []), 'target / our default layout'];
  return { headers, rows };
}

const textTableOf = (t: { headers: string[]; rows: string[][] }) => textTable(t.headers, t.rows);
const mdTableOf = (t: { headers: string[]; rows: string[][] }) => mdTable(t.headers, t.rows);

/** What the alternating rounds are, for the doc and the console. */
function alternatingMethod(a: AlternatingRounds): string {
  return `The targets below were measured again after the runs above, at concurrency ${a.connections}, all up at once (fresh ` +
    `processes, each warmed up first), in ${a.rounds} rounds: in each round each target in turn (${a.warmupSeconds} s of ` +
    `warm-up, then ${a.seconds} s measured; the order turns ` +
    'by one each round). A ratio is taken within a round, between runs seconds apart, and the median over the rounds is ' +
    'given: the speed of this machine swings by a third within minutes, which moves figures measured one after another ' +
    'but not a ratio within a round. Idle servers beside the one loaded use no CPU.';
}

function memoryRows(results: LacResults): string[][] {
  return results.targets.filter((t) => t.memory).map((t) => [
    t.label, String(t.memory!.processes), num(t.memory!.rssMb, 0), num(t.memory!.peakRssMb, 0), t.memory!.perProcessRssMb.map((v) => num(v, 0)).join(' + '),
  ]);
}

const MEMORY_HEADERS = ['target', 'processes', 'RSS MB', 'peak RSS MB', 'per process MB'];

/**
 * Connection handling the figures depend on: a server that closes after each answer costs a connect per request.
 * Only autocannon's runs count the closes; wrk reconnects without counting.
 */
function connectionNotes(results: LacResults): string[] {
  return results.targets.filter((t) => t.runs.length > 0 && t.runs.every((r) => r.closedByServer !== undefined)).map((t) => {
    const ok = t.runs.reduce((n, r) => n + r.ok, 0);
    const closed = t.runs.reduce((n, r) => n + r.closedByServer!, 0);
    if (closed === 0) return `${t.label}: kept connections alive.`;
    return `${t.label}: closed the connection after ${closed === ok ? 'every answer' : `${closed} of ${ok} answers`}, ` +
      'so each request paid a new TCP connection (the load generator reconnects, as wrk does).';
  });
}

export function lacConsoleReport(results: LacResults): string {
  const notes = [...statusNotes(results), ...connectionNotes(results), ...disturbed(results)];
  return [
    textTable(THROUGHPUT_HEADERS, throughputRows(results)),
    '',
    textTable(RATIO_HEADERS, ratioRows(results)),
    '',
    textTable(MEMORY_HEADERS, memoryRows(results)),
    ...(results.alternating ? ['', `alternating rounds at c=${results.alternating.connections}:`, textTableOf(alternatingTable(results.alternating))] : []),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
}

/** The lac section of docs/benchmarks.md, from one results file. */
export function lacDocSection(results: LacResults, file: string): string {
  const m = results.machine;
  const method = results.method;
  const ours = results.targets.filter((t) => t.kind === 'ours');
  const peer = results.targets.filter((t) => t.kind === 'peer');
  const reference = results.targets.filter((t) => t.kind === 'reference');
  const notes = disturbed(results);
  const jieba = results.bench === 'jieba';
  const route = jieba ? '/predict/jieba_paddle' : '/predict/lac';
  return [
    jieba ? '## jieba_paddle, classic mode (word segmentation: the same algorithm as the peer)' : '## lac (lexical analysis)',
    '',
    `Run ${m.date}${m.commit ? ` at commit ${m.commit}` : ''} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}; 1-minute load average ` +
      `${m.loadAverage1m} at the start. Results: [\`bench/results/${file}\`](../bench/results/${file}).`,
    '',
    '### Method',
    '',
    `- Every request is \`POST ${route}\` with the peer's body \`${method.body}\`. Each target's answer is checked ` +
      'once before it is loaded (status `000`, the expected words).',
    `- Load: ${method.loadGenerator}, concurrency ${method.concurrencies.join(', ')}; at each, ${method.warmupSeconds} s of ` +
      `warm-up (discarded), then ${method.seconds} s measured. req/s counts 2xx answers; p50/p99 are ${percentileMethod(method.loadTool)}. ` +
      'Targets run one after another, never at the same time, all on 127.0.0.1.',
    ...ours.map((t) => `- ${t.label}: \`${t.command}\`, our CLI as a child process${t.layout ? `; it printed "${t.layout}"` : ''}.`),
    ...reference.map((t) => `- ${t.label}: \`${t.command}\`: ${t.description ?? 'the bare stack'}.`),
    ...peer.map((t) => `- ${t.label}: \`${t.command}\` in \`../shared/bench/peer\`: Flask under Gunicorn sync workers, ` +
      "PaddleHub Serving's own architecture, with jieba's part-of-speech cutter (a cheaper algorithm than LAC's BiGRU-CRF; " +
      'the same words on these texts, another tag set).'),
    ...(jieba ? [] : [
    `- In-process limit: \`LacRunner\` on the model converted by \`convertLacDirectory\`` +
      `${results.limit.source ? ` from \`${results.limit.source}\`` : ''}, with the server's session options (1 intra-op ` +
      'thread) and the server\'s pipeline, called in a loop. One call = 32 requests\' texts (64 short texts, one model call of 64 ' +
      'rows, as the server\'s batcher forms under load); no HTTP, no JSON, no hand-off between threads. First 1 thread, then 2 ' +
      'worker threads with a runner each (the 2-core ceiling). Its req/s column is calls/s x 32, its latency one call.' +
      (results.limit.runs.some((r) => !batch64(r)) ? ' The 64 rows run as one padded batch (the network at batch 64, what the ' +
        'targets are set against) and, in the row marked "length groups", in groups of near-equal length as the server\'s ' +
        'inference threads run them (here a call of 10-character and one of 7-character rows).' : ''),
    ]),
    '- CPU column: % of one core during the measured window (200 = both cores of this machine): the server\'s process ' +
      'tree, in brackets its busiest main thread (the one that parses HTTP and JSON in a Node server; near 100 it is the ' +
      `bottleneck), the load generator (${loadGeneratorWhere(method.loadTool)}), work outside the bench, and what was left idle. Server CPU ` +
      'µs/req is server CPU time divided by answers: the cost of one request, whatever the layout (for the limit, of one ' +
      'call). A measurement during which that ' +
      'other work took 25% of a core or more is taken again, up to 3 times in all, after waiting (20 s at most) for a quiet ' +
      'second; the least disturbed is kept.',
    '- Memory: VmRSS of the server process and its children, read after its last load run.',
    '',
    '### Throughput and latency',
    '',
    ...(jieba ? [] : ['![lac: throughput and p99 latency against concurrency, ours, the peer and the in-process limit](bench-lac.svg)', '']),
    mdTable(THROUGHPUT_HEADERS, throughputRows(results)),
    '',
    ...[...statusNotes(results), ...connectionNotes(results)].map((n) => `- ${n}`),
    ...(notes.length ? ['', 'Measurements that other work on the machine disturbed or made us repeat (the figures above are the ' +
      'least disturbed attempt):', '', ...notes.map((n) => `- ${n}`)] : []),
    '',
    '### Ratios (from this one run)',
    '',
    mdTable(RATIO_HEADERS, ratioRows(results)),
    '',
    ...(results.alternating ? [
      `### Ratios at c=${results.alternating.connections}, alternating rounds`,
      '',
      alternatingMethod(results.alternating),
      '',
      mdTableOf(alternatingTable(results.alternating)),
      '',
    ] : []),
    '### Memory after the run',
    '',
    mdTable(MEMORY_HEADERS, memoryRows(results)),
    '',
    '### Caveats',
    '',
    `- The load generator runs on the same ${m.cores} cores as the server, so every HTTP figure is lower than it would be ` +
      'with a separate client machine; its share is in the CPU column (more for the peer, whose connections are new for ' +
      'every request). The in-process limit pays no such cost: ours / limit includes the load generator\'s cost.',
    '- "other" CPU is work outside the bench, such as tests run by someone else on this machine.',
    jieba
      ? '- Both sides run jieba\'s classic cutter (ours: jieba-rs through @node-rs/jieba; the peer: Python jieba), so ours / ' +
        'peer compares the serving stacks. The reference runs the same cutter on the bare stack: reference / peer is as far as ' +
        'any server on Node and fastify gets on this machine with the load generator beside it.'
      : '- The peer does less work per request (jieba instead of a neural network), so ours / peer compares serving ' +
        'architectures together with their models, not serving alone.',
  ].join('\n');
}
