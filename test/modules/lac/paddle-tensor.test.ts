import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPaddleTensor } from '../../../src/artifacts/convert/paddle/paddle-tensor.js';
import { tensorFile } from './paddle-files.js';

const values = [1.5, -2.25, 3, 0.125, -0.5, 1e-3];

test('reads packed dims', () => {
  const t = readPaddleTensor(tensorFile({ dims: [2, 3], data: values }));
  assert.deepEqual(t.dims, [2, 3]);
  assert.deepEqual(Array.from(t.data), values.map(Math.fround));
});

test('reads unpacked dims', () => {
  const t = readPaddleTensor(tensorFile({ dims: [3, 2], data: values, packed: false }));
  assert.deepEqual(t.dims, [3, 2]);
  assert.deepEqual(Array.from(t.data), values.map(Math.fround));
});

test('skips LoD levels and unknown TensorDesc fields', () => {
  const t = readPaddleTensor(tensorFile({ dims: [6], data: values, lod: [[0, 2, 6], [0, 1]], extraField: true }));
  assert.deepEqual(t.dims, [6]);
  assert.deepEqual(Array.from(t.data), values.map(Math.fround));
});

test('multi-byte varint dims (e.g. 20941 rows)', () => {
  const t = readPaddleTensor(tensorFile({ dims: [300, 0], data: [] }));
  assert.deepEqual(t.dims, [300, 0]);
  assert.equal(t.data.length, 0);
});

test('reads from an unaligned view into a larger buffer', () => {
  const file = tensorFile({ dims: [2, 3], data: values });
  const big = new Uint8Array(file.length + 3);
  big.set(file, 1);
  const t = readPaddleTensor(big.subarray(1, 1 + file.length));
  assert.deepEqual(Array.from(t.data), values.map(Math.fround));
});

test('truncated file: clear error naming the label', () => {
  const file = tensorFile({ dims: [2, 3], data: values });
  assert.throws(() => readPaddleTensor(file.subarray(0, file.length - 4), 'fc_0.w_0'),
    /fc_0\.w_0: size mismatch: dims \[2, 3\] need 24 data byte\(s\), file has 20 \(truncated\)/);
  assert.throws(() => readPaddleTensor(file.subarray(0, 10), 'x'), /x: truncated file: need 8 byte\(s\) for the LoD level count/);
  assert.throws(() => readPaddleTensor(file.subarray(0, 22), 'x'), /x: truncated file: need \d+ byte\(s\) for the TensorDesc/);
});

test('trailing bytes are a size mismatch', () => {
  const file = tensorFile({ dims: [5], data: values });
  assert.throws(() => readPaddleTensor(file, 'b'), /b: size mismatch: .*need 20 data byte\(s\), file has 24 \(trailing bytes\)/);
});

test('wrong data type: clear error', () => {
  assert.throws(() => readPaddleTensor(tensorFile({ dims: [3], data: [1, 2, 3], dataType: 3 }), 'ids'),
    /ids: unsupported data_type INT64 \(3\); only FP32 \(5\) is supported/);
  assert.throws(() => readPaddleTensor(tensorFile({ dims: [3], data: [1, 2, 3], dataType: 6 })), /FP64/);
});

test('unsupported version', () => {
  const file = tensorFile({ dims: [1], data: [1] });
  new DataView(file.buffer).setUint32(0, 7, true);
  assert.throws(() => readPaddleTensor(file, 'v'), /v: unsupported LoDTensor version 7/);
});

test('negative dim is rejected', () => {
  // -1 as int64 varint: ten bytes
  const desc = [0x08, 5, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
  const buf = new Uint8Array(4 + 8 + 4 + 4 + desc.length + 4);
  const v = new DataView(buf.buffer);
  v.setInt32(16, desc.length, true);
  buf.set(desc, 20);
  assert.throws(() => readPaddleTensor(buf, 'neg'), /neg: TensorDesc holds a negative or oversized value/);
});
