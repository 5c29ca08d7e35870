import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchDelta, describeBatches, parseBatchSizes } from '../../../src/cli/bench/batches.js';
import { percentile } from '../../../src/cli/bench/load.js';

const scrape = (n1: number, n4: number, nInf: number, sum: number) => [
  '# TYPE hub_batch_size histogram',
  `hub_batch_size_bucket{le="1",model="lac"} ${n1}`,
  `hub_batch_size_bucket{le="4",model="lac"} ${n4}`,
  `hub_batch_size_bucket{le="+Inf",model="lac"} ${nInf}`,
  `hub_batch_size_sum{model="lac"} ${sum}`,
  `hub_batch_size_count{model="lac"} ${nInf}`,
  'hub_requests_total{module="lac",status="000"} 5',
].join('\n');

test('the batch sizes of one run are the difference of two scrapes', () => {
  const delta = batchDelta(parseBatchSizes(scrape(2, 3, 3, 6)), parseBatchSizes(scrape(4, 9, 13, 6 + 2 + 20 + 90)));
  assert.equal(delta.count, 10);
  assert.equal(delta.sum, 112);
  assert.equal(describeBatches(delta), '10 model calls, 11.2 rows on average (<=1: 20%, <=4: 40%, >1024: 40%)');
});

test('no calls, or a server without the metric, is said in words', () => {
  assert.match(describeBatches(parseBatchSizes('')), /^no model calls recorded/);
});

test('percentiles by nearest rank', () => {
  const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(sorted, 50), 5);
  assert.equal(percentile(sorted, 99), 10);
  assert.equal(percentile(sorted, 100), 10);
  assert.equal(percentile([], 50), 0);
});
