import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alternatingRatios, lacDocSection, lacRatios, median, type AlternatingRounds, type HttpRun, type HttpTarget, type LacResults } from '../../bench/lac.report.js';
import { roundOrder } from '../../bench/lib/alternating.js';

// The lac/jieba bench's ratios: ours against the peer, the limit and our default layout, and the jieba
// bench's reference (the bare stack) in a row of its own.

const run = (connections: number, rps: number): HttpRun => ({
  connections, rps, p50Ms: 1, p99Ms: 2, errors: 0, non2xx: 0, attempts: 1,
  cpu: { serverPct: 100, loadGeneratorPct: 20, otherPct: 0 },
} as HttpRun);
const target = (id: string, kind: HttpTarget['kind'], rps: number): HttpTarget => ({
  id, label: id, kind, command: id, status: 'ok', runs: [run(64, rps)], ...(kind === 'reference' ? { description: 'fastify alone' } : {}),
});

const results = {
  bench: 'jieba',
  machine: { date: '2026-12-03', cpuModel: 'cpu', cores: 2, memoryGb: 24, node: 'v20', loadAverage1m: 0.1 },
  method: { body: '{}', concurrencies: [64], seconds: 6, warmupSeconds: 2, loadGenerator: 'wrk', loadTool: 'wrk' },
  targets: [target('ours', 'ours', 10_000), target('reference', 'reference', 24_000), target('peer', 'peer', 5_000)],
  limit: { status: 'not run', reason: 'no model', runs: [] },
} as unknown as Omit<LacResults, 'ratios'>;

test('the reference has its row: against the peer, and against our default layout', () => {
  const ratios = lacRatios(results);
  assert.deepEqual(ratios.map((r) => [r.target, r.vsPeer, r.vsDefault]), [['ours', 2, 1], ['reference', 4.8, 2.4]]);
});

test('the doc names the reference and what it leaves out', () => {
  const doc = lacDocSection({ ...results, ratios: lacRatios(results) }, 'jieba-x.json');
  assert.match(doc, /- reference: `reference`: fastify alone\./);
  assert.match(doc, /\| reference \| 64 \| 4\.80x \|/);
});

test('ours against the limit: the network at batch 64 on 1 and 2 threads, and the length groups on 2 in a column of their own', () => {
  const limitRun = (threads: number, callsPerSecond: number, grouping?: 'batch64' | 'by-length') =>
    ({ threads, callsPerSecond, p50Ms: 1, p99Ms: 2, calls: 10, seconds: 1, attempts: 1, cpu: { processPct: 100, otherPct: 0 }, ...(grouping ? { grouping } : {}) });
  const lac = {
    ...results,
    bench: 'lac',
    targets: [target('ours', 'ours', 6_000)],
    limit: { status: 'ok', runs: [limitRun(1, 6_000, 'batch64'), limitRun(2, 12_000, 'batch64'), limitRun(2, 15_000, 'by-length')] },
  } as unknown as Omit<LacResults, 'ratios'>;
  assert.deepEqual(lacRatios(lac).map((r) => [r.vsLimit1, r.vsLimit2, r.vsLimitGrouped]), [[1, 0.5, 0.4]]);
  const doc = lacDocSection({ ...lac, ratios: lacRatios(lac) }, 'lac-x.json');
  assert.match(doc, /\| in-process limit, 2 threads, length groups \| - \| 15,000 \|/);
  assert.match(doc, /\| ours \| 64 \| - \| 1\.00x \| 0\.50x \| 0\.40x \| 1\.00x \|/);
  // Results from before length groups: their limit runs were one padded batch.
  const older = { ...lac, limit: { status: 'ok', runs: [limitRun(1, 6_000), limitRun(2, 12_000)] } } as unknown as Omit<LacResults, 'ratios'>;
  assert.deepEqual(lacRatios(older).map((r) => [r.vsLimit1, r.vsLimit2, r.vsLimitGrouped]), [[1, 0.5, undefined]]);
  const olderDoc = lacDocSection({ ...older, ratios: lacRatios(older) }, 'lac-y.json');
  assert.doesNotMatch(olderDoc, /in-process limit, 2 threads, length groups|the row marked/);
  assert.match(olderDoc, /\| ours \| 64 \| - \| 1\.00x \| 0\.50x \| - \| 1\.00x \|/);
});

test('alternating rounds: each ratio is taken within a round, then its median over the rounds', () => {
  // Round 2 ran on a slow moment of the machine for everyone: its figures are low, its ratios are not.
  const alternating: AlternatingRounds = {
    connections: 64, rounds: 3, seconds: 4, warmupSeconds: 1,
    series: [
      { id: 'ours', label: 'ours', kind: 'ours', rps: [6_000, 3_000, 6_600] },
      { id: 'ours-2', label: 'ours 2', kind: 'ours', rps: [4_800, null, 6_600] },
      { id: 'peer', label: 'peer', kind: 'peer', rps: [2_000, 1_000, 3_000] },
      { id: 'limit', label: 'limit', kind: 'limit', rps: [12_000, 6_000, 12_000] },
    ],
  };
  assert.deepEqual(alternatingRatios(alternating), [
    { target: 'ours', medianRps: 6_000, vsPeer: 3, vsLimit: 0.5, vsDefault: 1 },
    // A failed run leaves its round out of the ratios: the median of two values is their mean.
    { target: 'ours-2', medianRps: 5_700, vsPeer: 2.3, vsLimit: 0.48, vsDefault: 0.9 },
  ]);
  assert.equal(median([]), undefined);
  assert.deepEqual([0, 1, 2, 3].map((round) => roundOrder(3, round)), [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 1, 2]]);

  const doc = lacDocSection({ ...results, ratios: lacRatios(results), alternating }, 'lac-z.json');
  assert.match(doc, /### Ratios at c=64, alternating rounds/);
  assert.match(doc, /\| ours 2 \| 4,800, failed, 6,600 \| 5,700 \| 2\.30x \| 0\.48x \| 0\.90x \|/);
  assert.match(doc, /\| in-process limit, 2 threads \| 12,000, 6,000, 12,000 \| 12,000 \| - \| - \| - \|/);
  // Older results have no rounds, and no such section.
  assert.doesNotMatch(lacDocSection({ ...results, ratios: lacRatios(results) }, 'lac-y.json'), /alternating rounds/);
});

test('alternating rounds without a limit (the jieba bench): no limit column', () => {
  const alternating: AlternatingRounds = {
    connections: 64, rounds: 1, seconds: 4, warmupSeconds: 1,
    series: [{ id: 'ours', label: 'ours', kind: 'ours', rps: [10_000] }, { id: 'peer', label: 'peer', kind: 'peer', rps: [4_000] }],
  };
  const doc = lacDocSection({ ...results, ratios: lacRatios(results), alternating }, 'jieba-z.json');
  assert.match(doc, /\| target \| req\/s in each round \| median req\/s \| target \/ peer \| target \/ our default layout \|/);
  assert.match(doc, /\| ours \| 10,000 \| 10,000 \| 2\.50x \| 1\.00x \|/);
});
