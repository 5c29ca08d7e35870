import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lacDocSection, lacRatios, type HttpRun, type HttpTarget, type LacResults } from '../../bench/lac.report.js';

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
