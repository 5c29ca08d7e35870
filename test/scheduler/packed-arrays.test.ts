import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel, type TransferListItem } from 'node:worker_threads';
import { PACK_MAX_BYTES, isPacked, packArrays, unpackArrays } from '../../src/scheduler/packed-arrays.js';

// Small typed arrays cross to an inference thread in one buffer, and come back equal; large ones are left as
// they are; the caller's values are never changed (a failed call runs its items again).

/** Sends through a real MessageChannel, as postMessage does between threads. */
function roundTrip(value: unknown, transfer: TransferListItem[]): Promise<unknown> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port2.once('message', (message: unknown) => {
      port1.close();
      resolve(message);
    });
    port1.postMessage(value, transfer);
  });
}

test('items with small arrays of every width cross in one buffer and come back equal; the originals are untouched', async () => {
  const shared = new Float64Array(16).map((_, i) => i / 3);
  const items = [
    { size: 3, ids: Int32Array.of(7, -8, 9), label: 'a' },
    { size: 2, ids: Int32Array.of(1, 2), wide: BigInt64Array.of(-5n, 2n ** 40n), bytes: Uint8Array.of(255, 0, 1) },
    { size: 1, ids: new Int32Array(0), view: shared.subarray(3, 7), half: Uint16Array.of(65535) },
    Float32Array.of(0.5, -1.25),
    42,
    'text',
    [1, Int8Array.of(-1)],
  ];
  const before = structuredClone(items);
  const { packed, transfer } = packArrays(items);
  assert.deepEqual(items, before, 'the values given are not changed');
  assert.equal(transfer.length, 1, 'one buffer for all the small arrays');
  assert.equal(packed.table.length / 5, 8, 'eight arrays packed (the one inside a list is left to the clone)');
  const received = await roundTrip(packed, transfer);
  assert.ok(isPacked(received));
  assert.deepEqual(unpackArrays(received), before);
  assert.equal(items[0] && (items[0] as { ids: Int32Array }).ids.length, 3, 'the small arrays were copied, not moved');
  assert.equal(shared.length, 16);
});

test('a large array that owns its buffer is moved whole; a large view into a bigger buffer is cloned', async () => {
  const big = new Float32Array(PACK_MAX_BYTES / 4 + 1).fill(1.5);
  const backing = new Uint8Array(PACK_MAX_BYTES * 3);
  const bigView = backing.subarray(1, PACK_MAX_BYTES * 2);
  const items = [{ pixels: big, ids: Int32Array.of(1) }, { pixels: bigView, ids: Int32Array.of(2) }];
  const { packed, transfer } = packArrays(items);
  assert.equal(transfer.length, 2, 'the packed buffer and the big array\'s own buffer');
  assert.ok(transfer.includes(big.buffer));
  const received = unpackArrays((await roundTrip(packed, transfer)) as typeof packed) as typeof items;
  assert.equal(big.length, 0, 'moved: detached here');
  assert.equal(received[0]!.pixels.length, PACK_MAX_BYTES / 4 + 1);
  assert.equal(received[0]!.pixels[7], 1.5);
  assert.equal(received[1]!.pixels.length, bigView.length);
  assert.equal(backing.length, PACK_MAX_BYTES * 3, 'the view\'s buffer stays whole');
  assert.deepEqual([received[0]!.ids[0], received[1]!.ids[0]], [1, 2]);
});

test('with fewer than two small arrays nothing is packed: the values cross as they are', () => {
  const items = [{ size: 1, ids: Int32Array.of(3) }, { size: 0 }];
  const { packed, transfer } = packArrays(items);
  assert.equal(packed.buffer, null);
  assert.deepEqual(transfer, []);
  assert.equal(unpackArrays(packed)[0], items[0]);
  assert.deepEqual(packArrays([]).packed.values, []);
});

test('only what packArrays made is taken for packed', () => {
  assert.equal(isPacked([1, 2]), false);
  assert.equal(isPacked({ values: [], table: [], keys: [], buffer: 'x' }), false);
  assert.equal(isPacked(packArrays([Int8Array.of(1), Int8Array.of(2)]).packed), true);
});

test('an array over shared memory is left as it is and stays shared across the message', async () => {
  const shared = new Int32Array(new SharedArrayBuffer(16));
  const { packed, transfer } = packArrays([{ flags: shared, ids: Int32Array.of(1) }, { ids: Int32Array.of(2) }]);
  assert.equal(packed.table.length / 5, 2, 'only the two ids are packed');
  const received = unpackArrays((await roundTrip(packed, transfer)) as typeof packed) as { flags?: Int32Array; ids: Int32Array }[];
  Atomics.store(received[0]!.flags!, 0, 42);
  assert.equal(Atomics.load(shared, 0), 42, 'the same memory on both sides');
  assert.deepEqual([received[0]!.ids[0], received[1]!.ids[0]], [1, 2]);
});
