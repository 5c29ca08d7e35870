import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeviceError, probeDevices, selectDevices } from '../../src/backends/device.js';
import { sessionOptions } from '../../src/backends/onnx-session.js';

const withCuda = { cudaProviderInstalled: true };
const withoutCuda = { cudaProviderInstalled: false };

test('CPU: one device per thread', () => {
  assert.deepEqual(selectDevices(false, [0], 3, withoutCuda), [{ kind: 'cpu' }, { kind: 'cpu' }, { kind: 'cpu' }]);
});

test('GPU without the CUDA provider is an error at start, never a silent fall-back', () => {
  assert.throws(() => selectDevices(true, [0], 2, withoutCuda), (e: unknown) => e instanceof DeviceError && /CUDA provider is not installed.*ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install\.js/.test(e.message));
});

test('GPU ids are used in turn, each at least once', () => {
  assert.deepEqual(selectDevices(true, [0, 1], 2, withCuda), [{ kind: 'cuda', deviceId: 0 }, { kind: 'cuda', deviceId: 1 }]);
  assert.deepEqual(selectDevices(true, [0, 1, 2], 1, withCuda).map((d) => d.kind === 'cuda' && d.deviceId), [0, 1, 2]);
  assert.deepEqual(selectDevices(true, [3], 2, withCuda), [{ kind: 'cuda', deviceId: 3 }, { kind: 'cuda', deviceId: 3 }]);
  assert.throws(() => selectDevices(true, [0, 0], 2, withCuda), /repeat/);
  assert.throws(() => selectDevices(true, [], 2, withCuda), /no GPU ids/);
});

test('the probe looks for the CUDA provider library beside onnxruntime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ort-bin-'));
  assert.equal(probeDevices(dir).cudaProviderInstalled, false);
  writeFileSync(join(dir, 'libonnxruntime_providers_cuda.so'), '');
  assert.equal(probeDevices(dir).cudaProviderInstalled, true);
});

test('session options name the CUDA provider with its device id', () => {
  assert.deepEqual(sessionOptions({ kind: 'cuda', deviceId: 1 }, 1).executionProviders, [{ name: 'cuda', deviceId: 1 }]);
  assert.deepEqual(sessionOptions({ kind: 'cpu' }, 2).executionProviders, ['cpu']);
  assert.equal(sessionOptions({ kind: 'cpu' }, 2).intraOpNumThreads, 2);
});
