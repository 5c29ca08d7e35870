import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lengthGroups, runByLength, RECURRENT_CALL_COST } from '../../../src/modules/lac/length-groups.js';

const repeat = (n: number, length: number): number[] => Array.from({ length: n }, () => length);

/** Padded cost of a split under the model, as lengthGroups weighs it. */
function costOf(groups: number[][], lengths: number[]): number {
  return groups.reduce((sum, g) => sum + Math.max(...g.map((i) => lengths[i]!)) * (g.length + RECURRENT_CALL_COST.step) + RECURRENT_CALL_COST.call, 0);
}

test('lengthGroups: rows of one length make one call', () => {
  assert.deepEqual(lengthGroups(repeat(5, 10)), [[0, 1, 2, 3, 4]]);
  assert.deepEqual(lengthGroups([7]), [[0]]);
  assert.deepEqual(lengthGroups([]), []);
});

test('lengthGroups: two sizeable lengths make two calls, the longer first', () => {
  const lengths = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? 10 : 7));
  const groups = lengthGroups(lengths);
  assert.equal(groups.length, 2);
  assert.ok(groups[0]!.every((i) => lengths[i] === 10) && groups[0]!.length === 32);
  assert.ok(groups[1]!.every((i) => lengths[i] === 7) && groups[1]!.length === 32);
  assert.ok(costOf(groups, lengths) < costOf([lengths.map((_, i) => i)], lengths));
});

test('lengthGroups: a row a little shorter than the rest is padded rather than given a call of its own', () => {
  const lengths = [...repeat(63, 10), 9];
  assert.deepEqual(lengthGroups(lengths), [lengths.map((_, i) => i)]);
});

test('lengthGroups: every row once, longest first in each group, and no split costs less (checked against every split)', () => {
  const lengths = [5, 30, 6, 29, 5, 12, 30, 7, 12, 1];
  const groups = lengthGroups(lengths);
  assert.deepEqual(groups.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
  for (const g of groups) for (let k = 1; k < g.length; k++) assert.ok(lengths[g[k - 1]!]! >= lengths[g[k]!]!);
  // Every split of the sorted rows into consecutive groups: 2^(n-1) of them.
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  let cheapest = Infinity;
  for (let mask = 0; mask < 1 << (order.length - 1); mask++) {
    const split: number[][] = [[order[0]!]];
    for (let k = 1; k < order.length; k++) (mask & (1 << (k - 1)) ? split.push([order[k]!]) : split.at(-1)!.push(order[k]!));
    cheapest = Math.min(cheapest, costOf(split, lengths));
  }
  assert.ok(Math.abs(costOf(groups, lengths) - cheapest) < 1e-9, `${costOf(groups, lengths)} vs the cheapest ${cheapest}`);
});

test('runByLength: one call per group, results back in the rows order', async () => {
  const rows = ['aaaaaaaaaa', 'bbbbbbb', 'cccccccccc', 'ddddddd'].flatMap((row) => Array.from({ length: 16 }, () => row));
  const calls: string[][] = [];
  const out = await runByLength(rows, async (group) => {
    calls.push(group);
    return group.map((row) => row.toUpperCase());
  });
  assert.equal(calls.length, 2);
  assert.ok(calls.every((group) => new Set(group.map((row) => row.length)).size === 1));
  assert.deepEqual(out, rows.map((row) => row.toUpperCase()));
  assert.deepEqual(await runByLength([], async (group: string[]) => group), []);
});
