import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getHeapStatistics } from 'node:v8';
import { HEAP_RETURN_DEFAULTS, returnHeapWhenIdle, shouldCollect } from '../../src/process/heap-return.js';

const MB = 1024 * 1024;

describe('shouldCollect', () => {
  const options = HEAP_RETURN_DEFAULTS;
  test('an idle loop and a heap grown past the threshold: collect', () => {
    assert.equal(shouldCollect({ utilization: 0.01, usedBytes: 100 * MB, baselineBytes: 20 * MB }, options), true);
  });
  test('a busy loop: never, however large the heap (V8 collects under load on its own)', () => {
    assert.equal(shouldCollect({ utilization: 0.5, usedBytes: 900 * MB, baselineBytes: 20 * MB }, options), false);
  });
  test('idle but grown by less than the threshold: no collection', () => {
    assert.equal(shouldCollect({ utilization: 0, usedBytes: 20 * MB + options.minGrowthBytes - 1, baselineBytes: 20 * MB }, options), false);
  });
  test('exactly at the threshold: collect', () => {
    assert.equal(shouldCollect({ utilization: 0, usedBytes: 20 * MB + options.minGrowthBytes, baselineBytes: 20 * MB }, options), true);
  });
});

describe('returnHeapWhenIdle', () => {
  test('garbage left by a burst is collected once the loop is idle, without --expose-gc', async () => {
    assert.equal((globalThis as { gc?: unknown }).gc, undefined, 'the test runs without --expose-gc');
    const stop = returnHeapWhenIdle({ intervalMs: 20, minGrowthBytes: 16 * MB, idleUtilization: 0.5 });
    try {
      // Kept alive until the checks have a baseline, then dropped: about 40 MB of unreachable arrays.
      let burst: number[][] | undefined = Array.from({ length: 40 }, () => Array.from({ length: 128 * 1024 }, (_, i) => i + 0.5));
      const grown = getHeapStatistics().used_heap_size;
      assert.ok(burst.length === 40);
      burst = undefined;
      // Waits for the collection by its effect, for at most 200 checks.
      let used = grown;
      for (let i = 0; i < 200 && grown - used < 24 * MB; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        used = getHeapStatistics().used_heap_size;
      }
      assert.ok(grown - used >= 24 * MB, `used heap ${(grown / MB).toFixed(0)} MB -> ${(used / MB).toFixed(0)} MB`);
    } finally {
      stop();
    }
  });
});
