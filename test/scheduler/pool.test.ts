import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hubError } from '../../src/errors/catalogue.js';
import { InferencePool, type Placement } from '../../src/scheduler/pool.js';

const TASK = new URL('./counting.task.js', import.meta.url).href;
const THREAD_ID_TASK = new URL('./thread-id.task.js', import.meta.url).href;
type Ran = { count: number; start: number; end: number };

test('tasks run on every thread at once', async () => {
  const pool = new InferencePool({ devices: [{ kind: 'cpu' }, { kind: 'cpu' }], maxQueue: 8, intraOpThreads: 1 });
  try {
    const counter = new SharedArrayBuffer(4);
    const [a, b] = await Promise.all([pool.run<Ran>(TASK, { busyMs: 300, counter }), pool.run<Ran>(TASK, { busyMs: 300, counter })]);
    assert.equal(new Int32Array(counter)[0], 2);
    assert.ok(a.start < b.end && b.start < a.end, 'the two tasks overlapped in time: two threads ran side by side');
  } finally {
    await pool.close();
  }
});

test('a cancelled queued task never runs; a running one finishes; callers are answered at once', async () => {
  const pool = new InferencePool({ devices: [{ kind: 'cpu' }], maxQueue: 8, intraOpThreads: 1 });
  try {
    const counter = new SharedArrayBuffer(4);
    let runningDone = false;
    const running = pool.run<Ran>(TASK, { busyMs: 400, counter }).then((r) => {
      runningDone = true;
      return r;
    });
    const controller = new AbortController();
    const queued = pool.run<Ran>(TASK, { busyMs: 0, counter }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 50));
    const reason = hubError('TIMEOUT', 0.05);
    controller.abort(reason);
    await assert.rejects(queued, (e: unknown) => e === reason);
    assert.equal(runningDone, false, 'the caller was answered before the thread freed up');
    assert.equal((await running).count, 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(new Int32Array(counter)[0], 1, 'the cancelled task did not run');
  } finally {
    await pool.close();
  }
});

test('a full queue is refused with 503', async () => {
  const pool = new InferencePool({ devices: [{ kind: 'cpu' }], maxQueue: 1, intraOpThreads: 1 });
  try {
    const counter = new SharedArrayBuffer(4);
    // Two tasks wait inside the thread, one in the queue: the fourth and fifth are refused.
    const tasks = [0, 1, 2, 3, 4].map(() => pool.run(TASK, { busyMs: 100, counter }));
    const results = await Promise.allSettled(tasks);
    const refused = results.filter((r) => r.status === 'rejected');
    assert.ok(refused.length >= 1);
    const error = (refused[0] as PromiseRejectedResult).reason as { http: number; status: string };
    assert.equal(error.http, 503);
    assert.equal(error.status, '137');
  } finally {
    await pool.close();
  }
});

test('a task for every thread reaches each thread exactly once, even with tasks queued inside threads', async () => {
  const pool = new InferencePool({ devices: [{ kind: 'cpu' }, { kind: 'cpu' }], maxQueue: 8, intraOpThreads: 1 });
  try {
    for (let round = 0; round < 5; round++) {
      const ids = await pool.broadcast<number>(THREAD_ID_TASK, {});
      assert.equal(new Set(ids).size, 2, `round ${round}: two distinct threads, got ${ids.join(',')}`);
    }
  } finally {
    await pool.close();
  }
});

test("a task placed after another waits on that task's thread, while an unplaced one takes the idle thread", async () => {
  const LATCH = new URL('./latch.task.js', import.meta.url).href;
  const pool = new InferencePool({ devices: [{ kind: 'cpu' }, { kind: 'cpu' }], maxQueue: 8, intraOpThreads: 1 });
  try {
    const cells = new SharedArrayBuffer(8);
    const held = {} as Placement;
    const holding = pool.run(LATCH, { cells }, { placement: held });
    while (Atomics.load(new Int32Array(cells), 1) < 1) await new Promise((r) => setTimeout(r, 5));
    assert.equal(typeof held.thread, 'number', 'the pool noted the thread it chose');
    const pinned: Placement = { after: held };
    const behind = pool.run<number>(THREAD_ID_TASK, {}, { placement: pinned });
    // With one thread held, an unplaced task goes to the other, and answers while the first stays held.
    const elsewhere = await pool.run<number>(THREAD_ID_TASK, {});
    assert.notEqual(elsewhere, held.thread);
    Atomics.store(new Int32Array(cells), 0, 1);
    Atomics.notify(new Int32Array(cells), 0);
    await holding;
    assert.equal(await behind, held.thread, 'the placed task ran on the held thread, after it was released');
    assert.equal(pinned.thread, held.thread);
    assert.equal(pinned.after, undefined, 'once placed it lets go of the earlier task: calls do not chain in memory');
  } finally {
    await pool.close();
  }
});
