import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher, DeadlinePassed, type BatcherOptions, type RefusalReason } from '../../src/scheduler/batcher.js';
import type { Placement } from '../../src/scheduler/pool.js';

// The batcher's rules, with a model call written in the test: calls are recorded and held open by a gate,
// so the tests count what was merged and in which order, and never depend on timing. Deadlines are on a clock
// the test moves by hand.

interface Item {
  size: number;
  id: string;
  key?: string;
}

const item = (id: string, size = 1, key?: string): Item => ({ size, id, key });
const items = (prefix: string, n: number, size = 1) => Array.from({ length: n }, (_, i) => item(`${prefix}${i}`, size));

function harness(options: Partial<BatcherOptions> = {}, clock?: { ms: number }) {
  const calls: string[][] = [];
  const placements: Placement[] = [];
  const counts = { expired: 0, refused: [] as RefusalReason[] };
  const gates: (() => void)[] = [];
  let holding = true;
  const execute = async (batch: Item[], placement: Placement) => {
    calls.push(batch.map((i) => i.id));
    placements.push(placement);
    if (batch.some((i) => i.id.startsWith('bad'))) throw new Error('bad item');
    if (holding) await new Promise<void>((resolve) => gates.push(resolve));
    return batch.map((i) => `r:${i.id}`);
  };
  const refuse = ({ reason, queued, limit, retryAfter }: { reason: RefusalReason; queued: number; limit: number; retryAfter: number }) =>
    Object.assign(new Error(reason === 'queue_full' ? `full ${queued}/${limit}` : `too late, retry in ${retryAfter} s`), { reason, retryAfter });
  const stats = { onExpired: (n: number) => (counts.expired += n), onRefused: (reason: RefusalReason) => counts.refused.push(reason) };
  const batcher = new Batcher<Item, string>({ maxBatchSize: 4, maxElements: Infinity, maxQueueDelayMs: 0, maxQueueSize: 100, concurrency: 1, ...options },
    execute, refuse, stats, clock ? () => clock.ms : undefined);
  const release = async () => {
    holding = false;
    while (gates.length > 0) gates.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  const openOne = async () => {
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { batcher, calls, placements, counts, release, openOne };
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

test('spreadWhenFull: a second call starts beside the first only once a whole call of elements waits', async () => {
  const { batcher, calls, openOne, release } = harness({ maxBatchSize: 4, maxElements: 40, concurrency: 4, spreadWhenFull: true, maxQueueSize: 1000 });
  const first = batcher.submit(items('a', 1, 5));
  const small = batcher.submit(items('b', 6, 5));
  await new Promise((r) => setImmediate(r));
  assert.equal(batcher.running, 1, '30 elements wait, less than a call of 40: no second call');
  const long = batcher.submit(items('c', 2, 20));
  await new Promise((r) => setImmediate(r));
  assert.ok(batcher.running > 1, `70 elements wait: more calls run (${batcher.running})`);
  await openOne();
  await release();
  assert.deepEqual(await first, ['r:a0']);
  assert.equal((await small).length, 6);
  assert.equal((await long).length, 2);
  assert.equal(calls.flat().length, 9);
});

test('spreadWhenFull: shortly before a lone call should end, the next is formed and sent to wait behind it, on its thread', async () => {
  const clock = { ms: 0 };
  const { batcher, calls, placements, openOne, release } = harness({ maxBatchSize: 4, maxElements: 40, concurrency: 4, spreadWhenFull: true, maxQueueSize: 1000 }, clock);
  const tick = () => new Promise((r) => setImmediate(r));
  // A first call teaches the batcher how long a call runs: 10 ms on the clock.
  const first = batcher.submit(items('a', 1));
  await tick();
  clock.ms = 10;
  await openOne();
  assert.deepEqual(await first, ['r:a0']);
  const second = batcher.submit(items('b', 1));
  const third = batcher.submit(items('c', 2));
  await tick();
  assert.deepEqual(calls.slice(1), [['b0']], 'a lone call runs; what came after it waits');
  clock.ms = 18;
  const fourth = batcher.submit(items('d', 1));
  await tick();
  assert.equal(calls.length, 2, 'at 8 of its expected 10 ms, the lone call is not near its end');
  clock.ms = 19;
  const fifth = batcher.submit(items('e', 1));
  await tick();
  assert.equal(calls.length, 3, 'within 1 ms of its end, the next call is formed');
  assert.deepEqual([...calls[2]!].sort(), ['c0', 'c1', 'd0', 'e0']);
  assert.equal(placements[2]!.after, placements[1], 'and sent to wait behind it, on its thread');
  assert.equal(placements[1]!.after, undefined);
  assert.equal(batcher.running, 2);
  await release();
  assert.deepEqual(await Promise.all([second, third, fourth, fifth]), [['r:b0'], ['r:c0', 'r:c1'], ['r:d0'], ['r:e0']]);
});

test('spreadWhenFull keeps every thread when batching is off, and does nothing without it', async () => {
  for (const options of [{ maxBatchSize: 1, spreadWhenFull: true }, { maxBatchSize: 4, spreadWhenFull: false }]) {
    const { batcher, release } = harness({ ...options, maxElements: 1000, concurrency: 3 });
    const all = batcher.submit(items('a', 12));
    await new Promise((r) => setImmediate(r));
    assert.equal(batcher.running, 3, JSON.stringify(options));
    await release();
    assert.equal((await all).length, 12);
  }
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

test('a context with onAbort is watched through it, its signal never read; its listener goes with its answer', async () => {
  const { batcher, calls, release } = harness();
  const listeners = new Set<(reason: unknown) => void>();
  const context = {
    get signal(): AbortSignal {
      throw new Error('the signal was read');
    },
    onAbort(listener: (reason: unknown) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const first = batcher.submit(items('a', 1));
  const abandoned = batcher.submit(items('gone', 5), context);
  const kept = batcher.submit(items('kept', 1), context);
  assert.equal(listeners.size, 2);
  const reason = new Error('client went away');
  const [gone] = [...listeners];
  gone!(reason);
  await assert.rejects(abandoned, (e: unknown) => e === reason);
  assert.equal(listeners.size, 1, 'the abandoned request stopped listening');
  await release();
  await first;
  assert.deepEqual(await kept, ['r:kept0']);
  assert.equal(listeners.size, 0, 'the answered request stopped listening');
  assert.ok(!calls.flat().some((id) => id.startsWith('gone')), 'no item of the aborted request ran');
});

test('a context already given up is answered at once through onAbort; nothing of it is queued', async () => {
  const { batcher, calls } = harness();
  const reason = new Error('timed out');
  const refused = batcher.submit(items('late', 3), { onAbort: (listener) => (listener(reason), () => {}) });
  await assert.rejects(refused, (e: unknown) => e === reason);
  assert.equal(batcher.queueLength, 0);
  assert.equal(batcher.running, 0);
  assert.deepEqual(calls, []);
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

test("a request whose deadline passes while it is queued is dropped, counted, and none of its items run", async () => {
  const clock = { ms: 1000 };
  const { batcher, calls, counts, release } = harness({}, clock);
  const first = batcher.submit(items('a', 1));
  const late = batcher.submit(items('late', 3), { deadline: 1500 });
  const onTime = batcher.submit(items('ok', 2), { deadline: 5000 });
  const dropped = assert.rejects(late, DeadlinePassed);
  clock.ms = 1500;
  await release();
  await dropped;
  assert.deepEqual(await first, ['r:a0']);
  assert.deepEqual(await onTime, ['r:ok0', 'r:ok1']);
  assert.ok(!calls.flat().some((id) => id.startsWith('late')), JSON.stringify(calls));
  assert.equal(counts.expired, 3);
  assert.equal(batcher.queueLength, 0);
  await assert.rejects(batcher.submit(items('past', 2), { deadline: 1400 }), DeadlinePassed, 'a deadline already past is refused before queueing');
  assert.equal(counts.expired, 5);
});

test('a request partly run when its deadline passes leaves the queue: the rest of its items never run', async () => {
  const clock = { ms: 0 };
  const { batcher, calls, counts, openOne } = harness({ maxBatchSize: 2 }, clock);
  const partial = batcher.submit(items('p', 6), { deadline: 100 });
  assert.deepEqual(calls, [['p0', 'p1']]);
  const dropped = assert.rejects(partial, DeadlinePassed);
  clock.ms = 100;
  await openOne();
  await dropped;
  assert.deepEqual(calls, [['p0', 'p1']], 'no call after the deadline');
  assert.equal(counts.expired, 4);
  assert.equal(batcher.queueLength, 0);
});

/**
 * A batcher whose measured pace is 4 items per second, with calls of 0.25 s: one call of 1 item that took 0.25 s
 * on the test's clock. Deadlines are planned to half the time left, less a call.
 */
async function pacedAt4PerSecond(options: Partial<BatcherOptions> = {}) {
  const clock = { ms: 0 };
  const h = harness({ maxQueueSize: 1000, ...options }, clock);
  const warm = h.batcher.submit(items('w', 1));
  clock.ms = 250;
  await h.openOne();
  await warm;
  return { ...h, clock };
}

test('a request that the queue ahead would make late is refused at once with Retry-After; none of it is queued', async () => {
  const { batcher, calls, counts, clock, openOne } = await pacedAt4PerSecond();
  const running = batcher.submit(items('a', 4));
  const ahead = batcher.submit(items('b', 20), { deadline: clock.ms + 10_000 });
  assert.deepEqual(calls.at(-1), ['a0', 'a1', 'a2', 'a3']);
  // Before its last item goes to a call: the 4 items running and 4 of b's 20 (b's others come after): 2 s at 4 a
  // second; of 1 s it plans half less a call, 0.25 s.
  const refused = batcher.submit(items('late', 4), { deadline: clock.ms + 1000 });
  await assert.rejects(refused, (e: Error & { reason?: string; retryAfter?: number }) => e.reason === 'deadline' && e.retryAfter === 2);
  assert.deepEqual(counts.refused, ['deadline']);
  assert.equal(batcher.queueLength, 20, 'nothing of it was queued');
  const fits = batcher.submit(items('fits', 4), { deadline: clock.ms + 5000 });
  assert.equal(batcher.queueLength, 24, 'with 5 s left (2.25 s planned) it is taken');
  for (let i = 0; i < 8; i++) await openOne();
  assert.equal((await fits).length, 4);
  assert.equal((await running).length, 4);
  assert.equal((await ahead).length, 20);
  assert.ok(!calls.flat().some((id) => id.startsWith('late')));
});

test('Retry-After is never later than the last deadline in the queue: by then all of it is answered or gone', async () => {
  const { batcher, clock, release } = await pacedAt4PerSecond();
  const running = batcher.submit(items('a', 4));
  const queued = batcher.submit(items('b', 40), { deadline: clock.ms + 3000 });
  // 11 s before its last item goes to a call (4 running, 40 of b's), with -0.1 s planned: 11.1 s late, but in 3 s b is gone.
  await assert.rejects(batcher.submit(items('c', 40), { deadline: clock.ms + 300 }), (e: Error & { retryAfter?: number }) => e.retryAfter === 3);
  await release();
  await running;
  await queued;
});

test('a request is refused when taking it would make a queued request late, though it has time itself', async () => {
  const { batcher, counts, clock, release } = await pacedAt4PerSecond();
  const running = batcher.submit(items('a', 4));
  // Its last item goes to a call after the 4 running: in 1 s of the 1.75 s it plans (half of 4 s less a call).
  // Each item taken before it costs it 0.25 s.
  const tight = batcher.submit(items('t', 4), { deadline: clock.ms + 4000 });
  await assert.rejects(batcher.submit(items('n', 4), { deadline: clock.ms + 60_000 }), (e: Error & { reason?: string }) => e.reason === 'deadline');
  const small = batcher.submit(items('s', 2), { deadline: clock.ms + 60_000 });
  assert.deepEqual(counts.refused, ['deadline'], 'two more items fit: 1.5 s for t');
  await release();
  assert.equal((await tight).length, 4);
  assert.equal((await small).length, 2);
  await running;
});

test('calls take turns among the first 16 requests by deadline; an earlier deadline goes ahead of those queued before it', async () => {
  const { batcher, calls, release } = harness({ maxBatchSize: 16, maxQueueSize: 1000 }, { ms: 0 });
  const first = batcher.submit(items('a', 1));
  const later = Array.from({ length: 20 }, (_, i) => batcher.submit(items(`x${i}-`, 3), { deadline: 5000 }));
  const urgent = batcher.submit(items('u', 3), { deadline: 2000 });
  await release();
  await first;
  assert.equal((await urgent).length, 3);
  await Promise.all(later);
  const second = calls[1]!;
  assert.equal(second.length, 16);
  assert.ok(second.includes('u0'), JSON.stringify(second));
  for (let i = 15; i < 20; i++) assert.ok(!second.some((id) => id.startsWith(`x${i}-`)), `x${i} waits for a turn: ${JSON.stringify(second)}`);
});

test('the next call is dispatched before the finished call\'s requests are answered', async () => {
  const { batcher, calls, openOne, release } = harness({ maxBatchSize: 1 });
  const first = batcher.submit(items('a', 1));
  const second = batcher.submit(items('b', 1));
  assert.equal(calls.length, 1, 'one call at a time');
  // What the first request's caller does with its answer runs after the thread got its next call.
  const callsWhenAnswered = first.then(() => calls.length);
  await openOne();
  assert.equal(await callsWhenAnswered, 2);
  await release();
  assert.deepEqual(await second, ['r:b0']);
});
