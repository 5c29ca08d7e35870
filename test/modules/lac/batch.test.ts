import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupBatches, packBatch } from '../../../src/modules/lac/batch.js';

test('packBatch pads to the longest sequence and records lengths', () => {
  const batch = packBatch([[5, 6, 7], [8]]);
  assert.equal(batch.width, 3);
  assert.deepEqual([...batch.lengths], [3, 1]);
  assert.deepEqual([...batch.ids], [5n, 6n, 7n, 8n, 0n, 0n]);
});

const batchOf = (chars: number) => packBatch([Array.from({ length: chars }, () => 1)]);

test('a small request is one task, whatever its number of batches', () => {
  const groups = groupBatches([batchOf(7), batchOf(10), batchOf(12)], 2);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]!.length, 3);
});

test('a large request is spread over the threads, in order, about evenly', () => {
  const batches = Array.from({ length: 8 }, () => batchOf(1000));
  const groups = groupBatches(batches, 2);
  assert.deepEqual(groups.map((g) => g.length), [4, 4]);
  assert.deepEqual(groups.flat(), batches, 'order kept');
  assert.equal(groupBatches(batches, 8).length, 4, 'no more tasks than the characters call for');
  assert.equal(groupBatches([batchOf(50_000)], 2).length, 1, 'one batch cannot be split');
});
