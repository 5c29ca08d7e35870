import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher, type BatcherOptions } from '../../src/scheduler/batcher.js';

// The batcher's rules, with a model call written in the test: calls are recorded and held open by a gate,
// so the tests count what was merged and in which order, and never depend on timing.

interface Item {
  size: number;
  id: string;
  key?: string;
}

const item = (id: string, size = 1, key?: string): Item => ({ size, id, key });
const items = (prefix: string, n: number, size = 1) => Array.from({ length: n }, (_, i) => item(`${prefix}${i}`, size));

function harness(options: Partial<BatcherOptions> = {}) {
  const calls: string[][] = [];
  const gates: (() => void)[] = [];
  let holding = true;
  const execute = async (batch: Item[]) => {
    calls.push(batch.map((i) => i.id));
    if (batch.some((i) => i.id.startsWith('bad'))) throw new Error('bad item');
    if (holding) await new Promise<void>((resolve) => gates.push(resolve));
    return batch.map((i) => `r:${i.id}`);
  };
  const refuse = ({ queued, limit, retryAfter }: { queued: number; limit: number; retryAfter: number }) => Object.assign(new Error(`full ${queued}/${limit}`), { retryAfter });
  const batcher = new Batcher<Item, string>({ maxBatchSize: 4, maxElements: Infinity, maxQueueDelayMs: 0, maxQueueSize: 100, concurrency: 1, ...options }, execute, refuse);
  const release = async () => {
    holding = false;
    while (gates.length > 0) gates.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  const openOne = async () => {
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { batcher, calls, release, openOne };
}

test('concurrent requests share calls and each gets its own results, in order', async () => {
  const { batcher, calls, release } = harness({ maxBatchSize: 8 });
  const first = batcher.submit(items('a', 1));
  const later = [batcher.submit(items('b', 3)), batcher.submit(items('c', 2))];
  await release();
  assert.deepEqual(await first, ['r:a0']);
  assert.deepEqual(await Promise.all(later), [['r:b0', 'r:b1', 'r:b2'], ['r:c0', 'r:c1']]);
  assert.deepEqual(calls[0], ['a0']);
  assert.equal(calls.length, 2, 'the second call merged both waiting requests');
  assert.deepEqual([...calls[1]!].sort(), ['b0', 'b1', 'b2', 'c0', 'c1']);
  assert.deepEqual(calls[1]!.filter((id) => id.startsWith('b')), ['b0', 'b1', 'b2'], "a request's items keep their order");
});

test('a small request waits behind one call, not behind the big requests queued before it', async () => {
  const { batcher, calls, openOne, release } = harness({ maxBatchSize: 4, maxQueueSize: 1000 });
  const big = [batcher.submit(items('x', 40)), batcher.submit(items('y', 40)), batcher.submit(items('z', 40))];
  const small = batcher.submit([item('s')]);
  await openOne();
  assert.ok(calls.slice(0, 2).flat().includes('s'), `the small request ran in the first or second call: ${JSON.stringify(calls.slice(0, 2))}`);
  await release();
  assert.deepEqual(await small, ['r:s']);
  assert.equal((await Promise.all(big)).flat().length, 120);
});

test('a call holds at most maxBatchSize rows and rows x widest within maxElements', async () => {
  const { batcher, calls, release } = harness({ maxBatchSize: 3, maxElements: 20 });
  const all = batcher.submit([item('a', 10), item('b', 10), item('c', 5), item('d', 5), item('e', 5), item('f', 30)]);
  await release();
  await all;
  const sizes: Record<string, number> = { a: 10, b: 10, c: 5, d: 5, e: 5, f: 30 };
  for (const call of calls) {
    assert.ok(call.length <= 3);
    if (call.length > 1) assert.ok(call.length * Math.max(...call.map((id) => sizes[id]!)) <= 20, JSON.stringify(call));
  }
  assert.deepEqual(calls.flat().sort(), ['a', 'b', 'c', 'd', 'e', 'f'], 'an item wider than the budget still runs, alone');
});

test('maxBatchSize 1 turns batching off', async () => {
  const { batcher, calls, release } = harness({ maxBatchSize: 1 });
  const all = Promise.all([batcher.submit(items('a', 2)), batcher.submit(items('b', 2))]);
  await release();
  await all;
  assert.ok(calls.every((c) => c.length === 1));
  assert.equal(calls.length, 4);
});

test('a request that does not fit the queue is refused at once and none of it is queued', async () => {
  const { batcher, calls, release } = harness({ maxQueueSize: 10 });
  const first = batcher.submit(items('a', 1));
  const waiting = batcher.submit(items('b', 8));
  await assert.rejects(batcher.submit(items('c', 3)), /full 8\/10/);
  assert.equal(batcher.queueLength, 8);
  await release();
  await Promise.all([first, waiting]);
  assert.ok(!calls.flat().some((id) => id.startsWith('c')), 'nothing of the refused request ran');
  assert.deepEqual(await batcher.submit(items('d', 3)), ['r:d0', 'r:d1', 'r:d2'], 'room again once the queue drained');
});

test("an aborted request's queued items never run; its caller is answered at once with the reason", async () => {
  const { batcher, calls, release } = harness();
  const first = batcher.submit(items('a', 1));
  const controller = new AbortController();
  const abandoned = batcher.submit(items('gone', 5), { signal: controller.signal });
  const reason = new Error('client went away');
  controller.abort(reason);
  await assert.rejects(abandoned, (e: unknown) => e === reason);
  assert.equal(batcher.queueLength, 0);
  await release();
  await first;
  assert.ok(!calls.flat().some((id) => id.startsWith('gone')), 'no item of the aborted request ran');
  await assert.rejects(batcher.submit(items('late', 1), { signal: controller.signal }), (e: unknown) => e === reason, 'an already aborted signal is refused');
});

test('one bad item fails only its own request, though it shared a call with others', async () => {
  const { batcher, release } = harness({ maxBatchSize: 8 });
  const first = batcher.submit(items('a', 1));
  const good = batcher.submit(items('g', 2));
  const bad = assert.rejects(batcher.submit([item('bad')]), /bad item/);
  await release();
  await first;
  assert.deepEqual(await good, ['r:g0', 'r:g1']);
  await bad;
});

test('with a queue delay, a lone request still runs once the delay has passed', async () => {
  const { batcher, calls, release } = harness({ maxBatchSize: 8, maxQueueDelayMs: 5 });
  await release();
  assert.deepEqual(await batcher.submit(items('a', 2)), ['r:a0', 'r:a1']);
  assert.deepEqual(calls, [['a0', 'a1']]);
});

test('items of different keys never share a call', async () => {
  const { batcher, calls, release } = harness({ maxBatchSize: 8 });
  const first = batcher.submit([item('a')]);
  const mixed = Promise.all([batcher.submit([item('p1', 1, '3x4'), item('p2', 1, '3x4')]), batcher.submit([item('q1', 1, '5x4')]), batcher.submit([item('p3', 1, '3x4')])]);
  await release();
  await first;
  assert.deepEqual((await mixed).flat(), ['r:p1', 'r:p2', 'r:q1', 'r:p3']);
  for (const call of calls.slice(1)) {
    const keys = new Set(call.map((id) => (id.startsWith('q') ? '5x4' : '3x4')));
    assert.equal(keys.size, 1, JSON.stringify(calls));
  }
});
