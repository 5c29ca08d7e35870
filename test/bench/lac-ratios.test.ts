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
