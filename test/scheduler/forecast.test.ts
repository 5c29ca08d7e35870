import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lateness } from '../../src/scheduler/forecast.js';

// Admission by deadline in figures: waits are counted in items' sizes at the measured pace, each queued request
// giving up to as many items as the newcomer has, and a newcomer that would make a queued request late is late.

const pace = { now: 0, rate: 100, running: 0 };

test('with no measured pace nothing is late', () => {
  assert.equal(lateness([{ items: 1000, size: 1e6 }], { items: 1, size: 1, deadline: 1 }, { ...pace, rate: 0 }), 0);
});

test('its own work does not count: a large request on an idle model is taken', () => {
  assert.equal(lateness([], { items: 1000, size: 1e6, deadline: 1 }, pace), 0);
});

test("a newcomer waits for the running calls and, from each queued request, as many items as it has", () => {
  // Running 50; ahead of a 10-item newcomer's last item: all of a 2-item request (200), 10 of a 40-item one
  // (10 x 2): 270 at 100 a second is 2.7 s, 1.7 s past a deadline 1 s away.
  const queue = [{ items: 2, size: 200 }, { items: 40, size: 80 }];
  assert.ok(Math.abs(lateness(queue, { items: 10, size: 10, deadline: 1000 }, { ...pace, running: 50 }) - 1.7) < 1e-9);
  assert.equal(lateness(queue, { items: 10, size: 10, deadline: 2900 }, { ...pace, running: 50 }), 0);
});

test('a newcomer that would push a queued request past its deadline is late by as much', () => {
  // The queued one waits 0.5 s for the running calls, of its 1 s; the newcomer puts 4 items of 20 before its last: 0.8 s more.
  const queue = [{ items: 4, size: 100, deadline: 1000 }];
  const running = { ...pace, running: 50 };
  assert.ok(Math.abs(lateness(queue, { items: 8, size: 160 }, running) - 0.3) < 1e-9);
  assert.equal(lateness(queue, { items: 2, size: 40 }, running), 0, 'two items of 20 fit in its 0.5 s to spare');
  assert.equal(lateness(queue, { items: 8, size: 160 }, { ...pace, running: 150 }), 0, 'one late anyway is not held against the newcomer');
});
