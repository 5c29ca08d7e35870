import assert from 'node:assert/strict';
import { test } from 'node:test';
import { returnFreedPages } from '../../src/process/malloc-trim.js';

// The free pages go back through glibc's malloc_trim, loaded with koffi; elsewhere the step is a no-op.

const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;

test('on glibc the free pages are handed back; elsewhere it says it could not', async () => {
  // Garbage in the C heap to hand back: buffers outside V8's heap, dropped at once.
  for (let i = 0; i < 64; i++) Buffer.alloc(256 * 1024).fill(i);
  assert.equal(await returnFreedPages(), glibc !== undefined, `glibc ${glibc ?? 'absent'}`);
  assert.equal(await returnFreedPages(), glibc !== undefined, 'and again, with the function already loaded');
});
