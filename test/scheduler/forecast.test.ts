import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lateness, positionFor, surelyOnTime, type QueuedWork } from '../../src/scheduler/forecast.js';

// Admission by deadline in figures: waits are counted in items' sizes at the measured pace; requests in the
// window share turns, those past it wait for everything ahead. A wait may fill half the time left, less a call.

const pace = { now: 0, rate: 100, running: 0, call: 0 };
const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);

test('a request goes after every one due no later; one without a deadline, last', () => {
  const queue = [{ deadline: 500 }, { deadline: 700 }, {}];
  assert.equal(positionFor(queue, 600), 1);
  assert.equal(positionFor(queue, 700), 2);
  assert.equal(positionFor(queue, undefined), 3);
});

test('with no measured pace nothing is late', () => {
  assert.equal(lateness([{ items: 1000, size: 1e6 }], { items: 1, size: 1, deadline: 1 }, 0, 16, { ...pace, rate: 0 }), 0);
});

test('its own work does not count: a large request on an idle model is taken, however short its time', () => {
  assert.equal(lateness([], { items: 1000, size: 1e6, deadline: 1 }, 0, 16, { ...pace, call: 5 }), 0);
});

test('in the window a newcomer waits for the running calls and, from each other request, as many items as it has', () => {
  // Running 50; before a 10-item newcomer's last item: all of a 2-item request (200): 2.5 s, 2 s past 0.5 s.
  const queue = [{ items: 2, size: 200 }];
  near(lateness(queue, { items: 10, size: 10, deadline: 1000 }, 0, 2, { ...pace, running: 50 }), 2);
  near(lateness(queue, { items: 10, size: 10, deadline: 1000 }, 0, 2, { ...pace, running: 50, call: 0.2 }), 2.2);
});

test('past the window a newcomer waits for everything ahead of it', () => {
  const queue = [{ items: 1, size: 100, deadline: 500 }, { items: 1, size: 100, deadline: 600 }, { items: 4, size: 40, deadline: 700 }];
  const arrival = { items: 2, size: 20, deadline: 5000 };
  assert.equal(lateness(queue, arrival, 3, 2, pace), 0, '2.4 s of 2.5 s planned');
  near(lateness(queue, { ...arrival, deadline: 2500 }, 3, 2, pace), 1.15);
});

test('a newcomer that would push a queued request past its deadline is late by as much; past the window it pushes none', () => {
  // The queued one waits 0.5 s for the running calls, of the 1 s it plans (half of 2 s); sharing turns, the
  // newcomer puts 4 items of 20 before its last: 0.8 s more.
  const queue = [{ items: 4, size: 100, deadline: 2000 }];
  const running = { ...pace, running: 50 };
  near(lateness(queue, { items: 8, size: 160, deadline: 60_000 }, 1, 2, running), 0.3);
  assert.equal(lateness(queue, { items: 8, size: 160, deadline: 60_000 }, 1, 1, running), 0, 'behind it, out of the window');
  assert.equal(lateness(queue, { items: 2, size: 40, deadline: 60_000 }, 1, 2, running), 0, 'two items of 20 fit in its 0.5 s to spare');
  assert.equal(lateness(queue, { items: 8, size: 160, deadline: 60_000 }, 1, 2, { ...pace, running: 150 }), 0,
    'one late anyway is not held against the newcomer');
});

test('when surelyOnTime says so, lateness is 0: 20,000 random queues (its shortcut never lets in what lateness refuses)', () => {
  // A fixed-seed generator: the same queues on every run.
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let shortcuts = 0;
  for (let n = 0; n < 20_000; n++) {
    const work = (): QueuedWork => {
      const items = 1 + Math.floor(random() * 20);
      return { items, size: items * (1 + Math.floor(random() * 50)), deadline: random() < 0.1 ? undefined : Math.floor(random() * 20_000) };
    };
    const queue = Array.from({ length: Math.floor(random() * 40) }, work).sort((a, b) => (a.deadline ?? Infinity) - (b.deadline ?? Infinity));
    const arrival = work();
    const at = { now: Math.floor(random() * 1000), rate: random() * 5000, running: Math.floor(random() * 500), call: random() * 0.05 };
    const size = queue.reduce((sum, q) => sum + q.size, arrival.size);
    const earliest = Math.min(arrival.deadline ?? Infinity, queue[0]?.deadline ?? Infinity);
    if (!surelyOnTime(size, earliest, at)) continue;
    shortcuts++;
    assert.equal(lateness(queue, arrival, positionFor(queue, arrival.deadline), 16, at), 0, JSON.stringify({ queue, arrival, at }));
  }
  assert.ok(shortcuts > 1000, `the shortcut was taken ${shortcuts} times`);
});

test('surelyOnTime: no pace or no deadline: on time; else the whole work against the earliest deadline\'s planned share', () => {
  assert.equal(surelyOnTime(1e9, 10, { ...pace, rate: 0 }), true);
  assert.equal(surelyOnTime(1e9, Infinity, pace), true);
  // 100 of size at 100 a second: 1 s, against half of 2 s (1 s): on time; a size more, not surely.
  assert.equal(surelyOnTime(100, 2000, pace), true);
  assert.equal(surelyOnTime(101, 2000, pace), false);
  assert.equal(surelyOnTime(50, 2000, { ...pace, running: 51 }), false, 'the running calls come first');
});
