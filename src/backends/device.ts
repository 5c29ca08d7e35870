import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Where inference runs. GPU use is explicit: asking for a GPU where onnxruntime's CUDA provider is not
// installed is an error at start, never a silent fall-back to the CPU.

export type Device = { kind: 'cpu' } | { kind: 'cuda'; deviceId: number };

export interface DeviceProbe {
  /** Whether onnxruntime-node's CUDA execution provider library is present. */
  cudaProviderInstalled: boolean;
}

export class DeviceError extends Error {}

/** The onnxruntime-node folder holding its native binaries for this platform. */
export function onnxruntimeBinaryDir(): string {
  const require = createRequire(import.meta.url);
  const root = dirname(dirname(require.resolve('onnxruntime-node')));
  return join(root, 'bin', 'napi-v6', process.platform, process.arch);
}

export function probeDevices(binaryDir = onnxruntimeBinaryDir()): DeviceProbe {
  return { cudaProviderInstalled: existsSync(join(binaryDir, 'libonnxruntime_providers_cuda.so')) };
}

export const CUDA_INSTALL_HINT =
  'install the CUDA 12 files of onnxruntime-node with `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` ' +
  'on a machine that can reach GitHub, with CUDA 12 and cuDNN 9 installed';

/** One device per inference thread: CPU, or the listed GPUs in turn. */
export function selectDevices(useGpu: boolean, gpus: number[], threads: number, probe: DeviceProbe): Device[] {
  if (!useGpu) return Array.from({ length: threads }, () => ({ kind: 'cpu' }) as const);
  if (!probe.cudaProviderInstalled) {
    throw new DeviceError(`--use_gpu: onnxruntime's CUDA provider is not installed; ${CUDA_INSTALL_HINT}`);
  }
  if (gpus.length === 0) throw new DeviceError('--gpu: no GPU ids given; use e.g. -i 0 or -i 0,1');
  const unique = [...new Set(gpus)];
  if (unique.length !== gpus.length) throw new DeviceError(`--gpu: GPU ids repeat in ${gpus.join(',')}`);
  // At least one thread per GPU, so every listed GPU is used.
  const count = Math.max(threads, unique.length);
  return Array.from({ length: count }, (_, i) => ({ kind: 'cuda', deviceId: unique[i % unique.length]! }));
}

export function describeDevice(device: Device): string {
  return device.kind === 'cpu' ? 'cpu' : `cuda:${device.deviceId}`;
}
