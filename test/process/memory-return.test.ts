import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getHeapStatistics } from 'node:v8';
import { MEMORY_RETURN_DEFAULTS, nextStep, returnMemoryWhenIdle, type IdleCheck } from '../../src/process/memory-return.js';

const MB = 1024 * 1024;

describe('nextStep', () => {
  const options = MEMORY_RETURN_DEFAULTS;
  // An idle process with nothing to give back.
  const rest: IdleCheck = { utilization: 0.01, usedBytes: 20 * MB, baselineBytes: 20 * MB, rssBytes: 180 * MB, rssBaselineBytes: 180 * MB, renewable: 0, freedSinceTrim: false };

  test('at rest: wait', () => {
    assert.equal(nextStep(rest, options), 'wait');
  });
  test('an idle loop and a heap grown past the threshold: collect', () => {
    assert.equal(nextStep({ ...rest, usedBytes: 100 * MB }, options), 'collect');
  });
  test('a busy loop: wait, however large the heap and resident memory (V8 collects under load on its own)', () => {
    assert.equal(nextStep({ ...rest, utilization: 0.5, usedBytes: 900 * MB, rssBytes: 2000 * MB, renewable: 1, freedSinceTrim: true }, options), 'wait');
  });
  test('idle but grown by less than the threshold: no collection', () => {
    assert.equal(nextStep({ ...rest, usedBytes: 20 * MB + options.minGrowthBytes - 1 }, options), 'wait');
  });
  test('exactly at the threshold: collect', () => {
    assert.equal(nextStep({ ...rest, usedBytes: 20 * MB + options.minGrowthBytes }, options), 'collect');
  });
  test('resident memory grew and a model ran since its sessions were new: renew', () => {
    assert.equal(nextStep({ ...rest, rssBytes: 180 * MB + options.minRssGrowthBytes, renewable: 1 }, options), 'renew');
  });
  test('resident memory grew but no model ran (or one still has work): no renewal', () => {
    assert.equal(nextStep({ ...rest, rssBytes: 400 * MB, renewable: 0 }, options), 'wait');
  });
  test('a model ran but resident memory grew by less than the threshold: no renewal', () => {
    assert.equal(nextStep({ ...rest, rssBytes: 180 * MB + options.minRssGrowthBytes - 1, renewable: 2 }, options), 'wait');
  });
  test('the heap first, then the sessions: a collection comes before a renewal', () => {
    assert.equal(nextStep({ ...rest, usedBytes: 100 * MB, rssBytes: 400 * MB, renewable: 1 }, options), 'collect');
  });
  test('memory freed by a collection and nothing else to do: hand it back', () => {
    assert.equal(nextStep({ ...rest, freedSinceTrim: true }, options), 'trim');
  });
  test('a renewal comes before handing back (it hands back itself)', () => {
    assert.equal(nextStep({ ...rest, freedSinceTrim: true, rssBytes: 400 * MB, renewable: 1 }, options), 'renew');
  });
});

describe('returnMemoryWhenIdle', () => {
  test('garbage left by a burst is collected once the loop is idle, without --expose-gc', async () => {
    assert.equal((globalThis as { gc?: unknown }).gc, undefined, 'the test runs without --expose-gc');
    const stop = returnMemoryWhenIdle({ intervalMs: 20, minGrowthBytes: 16 * MB, idleUtilization: 0.5, minRssGrowthBytes: Infinity });
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
