import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupBatches } from '../../../src/modules/lac/batch.js';
import { packBatch } from '../../../src/modules/lac/pipeline.js';

test('packBatch pads to the longest sequence with the pad id and records lengths', () => {
  const batch = packBatch([[5, 6, 7], [8]], 9);
  assert.equal(batch.width, 3);
  assert.deepEqual([...batch.lengths], [3, 1]);
  assert.deepEqual([...batch.ids], [5n, 6n, 7n, 8n, 9n, 9n]);
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

test('a very large request is cut into bounded tasks, so others wait behind one task, not all of it', () => {
  const batches = Array.from({ length: 100 }, () => batchOf(1000));
  const groups = groupBatches(batches, 2);
  assert.ok(groups.length >= 12, `${groups.length} tasks`);
  assert.ok(groups.every((g) => g.length <= 9), 'no task much over the cap');
  assert.deepEqual(groups.flat(), batches, 'order kept');
});
