import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadServingConfig } from '../../src/config/load.js';
import { Errors, UsageError } from '../../src/errors/catalogue.js';
import { createLogger } from '../../src/process/log.js';
import { devicesFor } from '../../src/process/start.js';
import { startService, type Service } from '../../src/server/service.js';
import { writeDoubler } from '../helpers/double-model.js';
import { expectError, freePort, post, startServer, type RunningServer } from '../helpers/cli.js';
import { pngBomb } from '../media/fixtures.js';

// The tuning values that used to be constants are options like the others: their defaults are the old
// constants, and a flag or a variable changes what a running server does.

const LATCH = new URL('../scheduler/latch.task.js', import.meta.url).href;

test('the defaults are the former constants: 256 tasks per thread, 40 MP, 20000 px a side, 32 MiB a file', () => {
  const { config } = loadServingConfig({ modules: ['lac'] }, process.cwd(), {});
  assert.equal(config.queuePerThread, 256);
  assert.deepEqual(config.imageLimits, { maxPixels: 40_000_000, maxSide: 20_000, maxBytes: 32 * 1024 * 1024 });
});

test('flags and variables set them, and a bad value names its variable', () => {
  const { config } = loadServingConfig({ modules: ['lac'], imageMaxSide: '640' }, process.cwd(), { HUB_QUEUE_PER_THREAD: '8', HUB_IMAGE_MAX_PIXELS: '1000000', HUB_IMAGE_MAX_BYTES: '4096' });
  assert.equal(config.queuePerThread, 8);
  assert.deepEqual(config.imageLimits, { maxPixels: 1_000_000, maxSide: 640, maxBytes: 4096 });
  assert.throws(() => loadServingConfig({ modules: ['lac'] }, process.cwd(), { HUB_QUEUE_PER_THREAD: '0' }),
    (e: unknown) => e instanceof UsageError && /^queue_per_thread: 0 is not allowed: expected an integer from 1 to 1000000 \(from HUB_QUEUE_PER_THREAD\)$/.test(e.message));
});

describe('--queue_per_thread bounds the tasks waiting for a thread', () => {
  let service: Service | undefined;
  let url = '';
  before(async () => {
    const model = writeDoubler(mkdtempSync(join(tmpdir(), 'queue-option-')));
    const port = await freePort();
    const { config } = loadServingConfig({ modules: [model], host: '127.0.0.1', port: String(port), threads: '1', queuePerThread: '1' }, process.cwd(), {});
    service = await startService(config, [], devicesFor(config), createLogger({ level: 'silent' }));
    await service.loaded;
    url = `http://127.0.0.1:${port}/v2/models/double/infer`;
  });
  after(async () => {
    await service?.close();
  });

  test('with one thread held and one task waiting, a request gets 503 at once; once released, 200', async () => {
    const pool = service!.pool;
    const cells = new SharedArrayBuffer(8);
    const counts = new Int32Array(cells);
    const first = pool.run(LATCH, { cells });
    // The thread holds the first task before the next are sent, so where each lands is certain.
    while (Atomics.load(counts, 1) < 1) await Atomics.waitAsync(counts, 1, 0, 1000).value;
    const second = pool.run(LATCH, { cells }); // the task the thread takes next (two per thread)
    const third = pool.run(LATCH, { cells }); // waits in the pool's queue: it is full
    assert.equal(pool.queueSize, 1);
    const body = { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] };
    const refused = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    assert.equal(refused.status, 503, await refused.text());
    Atomics.store(counts, 0, 1);
    Atomics.notify(counts, 0);
    await Promise.all([first, second, third]);
    const served = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    assert.equal(served.status, 200);
    assert.deepEqual((await served.json() as { outputs: { data: number[] }[] }).outputs[0]!.data, [2, 4]);
  });
});

describe('image limits from a flag and a variable, over HTTP', () => {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startServer(['-m', 'ocr', '--host', '127.0.0.1', '--image_max_side', '100'], { HUB_IMAGE_MAX_BYTES: '300' });
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });
  const ocr = (image: Buffer) => post(`${server!.url}/predict/chinese_ocr_db_crnn_mobile`, { images: [image.toString('base64')] });

  test('an image within them is read; a longer side or a larger file gets 413 naming the limit', async () => {
    const small = await ocr(pngBomb(80, 40));
    assert.equal(small.status, 200, small.text);
    assert.equal(small.body.status, '000');
    expectError(await ocr(pngBomb(150, 40)), 413, Errors.IMAGE_TOO_LARGE.status, /^images\[0\]: the image is too large: 150x40 pixels; the longest side may be at most 100$/);
    expectError(await ocr(Buffer.concat([pngBomb(80, 40), Buffer.alloc(400)])), 413, Errors.IMAGE_TOO_LARGE.status, /^images\[0\]: the image is too large: .*bytes; the limit is 300$/);
  });
});
