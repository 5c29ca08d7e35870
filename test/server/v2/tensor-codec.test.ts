import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datatypeOfOrt, isV2Datatype } from '../../../src/server/v2/datatypes.js';
import { decodeInferRequest, splitBody } from '../../../src/server/v2/infer-request.js';
import { metadataShape, shapeMismatch } from '../../../src/server/v2/shape.js';
import { TensorError, decodeBinaryTensor, decodeJsonTensor, encodeBinaryTensor, flatten, fromHalf, toHalf, toJsonData } from '../../../src/server/v2/tensor-codec.js';

// The Open Inference Protocol's tensors, in the shapes its specification's examples use.

const limits = { maxElements: 1_000_000 };

test("the specification's JSON request: UINT32 [2,2] flat, a requested output, the id", () => {
  const request = decodeInferRequest({
    id: '42',
    inputs: [{ name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] }, { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true] }],
    outputs: [{ name: 'output0' }],
  }, new Uint8Array(0), limits);
  assert.equal(request.id, '42');
  assert.deepEqual([...(request.inputs[0]!.data as Uint32Array)], [1, 2, 3, 4]);
  assert.ok(request.inputs[0]!.data instanceof Uint32Array);
  assert.deepEqual([...(request.inputs[1]!.data as Uint8Array)], [1, 0, 1]);
  assert.deepEqual(request.outputs, [{ name: 'output0', binary: false }]);
});

test('nested data is read row-major, and must not nest deeper than the shape', () => {
  const t = decodeJsonTensor('x', 'FP32', [2, 2], [[1, 2], [4, 5]]);
  assert.deepEqual([...(t.data as Float32Array)], [1, 2, 4, 5]);
  assert.throws(() => decodeJsonTensor('x', 'FP32', [4], [[1, 2], [4, 5]]), /nested deeper than its 1 dimensions/);
  assert.deepEqual(flatten([[[1]], [[2]]], 3, 'x'), [1, 2]);
});

test('the binary extension: the JSON header, then each input\'s bytes in order; outputs asked in binary', () => {
  const header = JSON.stringify({
    model_name: 'mymodel',
    inputs: [
      { name: 'input0', shape: [2, 2], datatype: 'UINT32', parameters: { binary_data_size: 16 } },
      { name: 'input1', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } },
    ],
    outputs: [{ name: 'output0', parameters: { binary_data: true } }, { name: 'output1' }],
  });
  const data = new Uint8Array(new Uint32Array([1, 2, 3, 4]).buffer);
  const body = Buffer.concat([Buffer.from(header), Buffer.from(data), Buffer.from([1, 0, 1])]);
  const { json, binary } = splitBody(body, String(Buffer.byteLength(header)));
  const request = decodeInferRequest(JSON.parse(Buffer.from(json).toString('utf8')), binary, limits);
  assert.deepEqual([...(request.inputs[0]!.data as Uint32Array)], [1, 2, 3, 4]);
  assert.deepEqual([...(request.inputs[1]!.data as Uint8Array)], [1, 0, 1]);
  assert.deepEqual(request.outputs, [{ name: 'output0', binary: true }, { name: 'output1', binary: false }]);
  assert.throws(() => splitBody(body, '99999'), /within the body/);
  assert.throws(() => splitBody(body, '-1'), /within the body/);
});

test('BYTES: strings in JSON, length-prefixed in binary, both ways', () => {
  const t = decodeJsonTensor('text', 'BYTES', [2], ['今天是个好日子', '']);
  assert.deepEqual(t.data, ['今天是个好日子', '']);
  const bytes = encodeBinaryTensor(['今天', 'ab']);
  assert.equal(bytes.byteLength, 4 + 6 + 4 + 2);
  assert.deepEqual(decodeBinaryTensor('text', 'BYTES', [2], bytes).data, ['今天', 'ab']);
  assert.throws(() => decodeBinaryTensor('text', 'BYTES', [3], bytes), /holds 3 elements, the binary data has 2/);
  assert.throws(() => decodeBinaryTensor('text', 'BYTES', [1], bytes.subarray(0, 5)), /longer than the data left/);
});

test('every numeric datatype: ranges checked, 64-bit integers exact within 2^53, FP16 rounded to nearest', () => {
  assert.deepEqual([...(decodeJsonTensor('a', 'INT64', [2], [-3, 9007199254740991]).data as BigInt64Array)], [-3n, 9007199254740991n]);
  assert.throws(() => decodeJsonTensor('a', 'INT64', [1], [2 ** 60]), /beyond 2\^53/);
  assert.throws(() => decodeJsonTensor('a', 'UINT8', [1], [256]), /UINT8 takes integers from 0 to 255/);
  assert.throws(() => decodeJsonTensor('a', 'INT32', [1], [1.5]), /INT32 takes integers/);
  assert.throws(() => decodeJsonTensor('a', 'FP32', [1], ['1']), /FP32 takes numbers/);
  assert.throws(() => decodeJsonTensor('a', 'BOOL', [1], [1]), /BOOL takes true or false/);
  assert.throws(() => decodeJsonTensor('a', 'FP32', [2, 2], [1, 2, 3]), /holds 4 elements, "data" has 3/);
  assert.equal(toHalf(1), 0x3c00);
  assert.equal(toHalf(-2), 0xc000);
  assert.equal(toHalf(65504), 0x7bff);
  assert.equal(toHalf(1e6), 0x7c00, 'overflow is Infinity');
  assert.equal(fromHalf(toHalf(0.1)), 0.0999755859375);
  assert.deepEqual(toJsonData('FP16', decodeJsonTensor('h', 'FP16', [2], [0.5, -1]).data), [0.5, -1]);
  assert.deepEqual(toJsonData('BOOL', new Uint8Array([1, 0])), [true, false]);
  assert.deepEqual(toJsonData('INT64', new BigInt64Array([5n])), [5]);
  const f64 = decodeBinaryTensor('d', 'FP64', [2], new Uint8Array(new Float64Array([1.5, -2]).buffer).subarray(0));
  assert.deepEqual([...(f64.data as Float64Array)], [1.5, -2]);
  assert.throws(() => decodeBinaryTensor('d', 'FP64', [3], new Uint8Array(16)), /takes 24 bytes, the binary data has 16/);
});

test('mistakes in the request name the input and say what is expected', () => {
  const bad = (header: unknown, binary = new Uint8Array(0)) => assert.throws(() => decodeInferRequest(header, binary, limits), TensorError);
  bad({ inputs: [] });
  bad({ inputs: [{ name: 'x', shape: [1], datatype: 'FP8', data: [1] }] });
  bad({ inputs: [{ name: 'x', shape: [-1], datatype: 'FP32', data: [1] }] });
  bad({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32' }] });
  bad({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }, { name: 'x', shape: [1], datatype: 'FP32', data: [1] }] });
  bad({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', parameters: { binary_data_size: 4 } }] }, new Uint8Array(2));
  bad({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }, new Uint8Array(3));
  assert.throws(() => decodeInferRequest({ inputs: [{ name: 'x', shape: [1000, 1000, 10], datatype: 'FP32', data: [] }] }, new Uint8Array(0), limits), /10000000 elements, more than 1000000/);
});

test('declared shapes: -1 and named dimensions match any size; metadata shows them as -1', () => {
  assert.equal(shapeMismatch([4, 3], [-1, 3]), undefined);
  assert.equal(shapeMismatch([4, 3], ['batch', 3]), undefined);
  assert.match(shapeMismatch([4, 2], [-1, 3])!, /dimension 1 must be 3, got 2/);
  assert.match(shapeMismatch([4], [-1, 3])!, /expected 2 dimensions/);
  assert.deepEqual(metadataShape(['batch', 3, -1]), [-1, 3, -1]);
  assert.equal(datatypeOfOrt('float16'), 'FP16');
  assert.equal(datatypeOfOrt('string'), 'BYTES');
  assert.equal(datatypeOfOrt('int4'), undefined);
  assert.equal(isV2Datatype('FP32'), true);
  assert.equal(isV2Datatype('toString'), false);
});
