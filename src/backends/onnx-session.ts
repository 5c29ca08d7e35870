import { threadId, workerData as rawWorkerData, isMainThread } from 'node:worker_threads';
import { ort } from './ort.js';
import type { Device } from './device.js';
import type { WorkerData } from '../scheduler/pool.js';

// Sessions live in the inference threads, one per model file per thread, created on first use and kept.

const sessions = new Map<string, Promise<ort.InferenceSession>>();
let device: Device | undefined;

function myDevice(data: WorkerData | undefined): Device {
  if (device) return device;
  if (isMainThread || !data?.devices?.length) {
    device = { kind: 'cpu' };
  } else {
    const index = Atomics.add(new Int32Array(data.counter), 0, 1);
    device = data.devices[index % data.devices.length]!;
  }
  return device;
}

export function sessionOptions(target: Device, intraOpThreads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: target.kind === 'cuda' ? [{ name: 'cuda', deviceId: target.deviceId }] : ['cpu'],
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  };
}

/**
 * The thread's session for a model file, created on first use. `overrides` let a model change options such as
 * the memory arena (a model whose inputs vary in size lets go of memory after a peak only without the arena).
 */
export function getSession(modelPath: string, overrides: ort.InferenceSession.SessionOptions = {}): Promise<ort.InferenceSession> {
  let session = sessions.get(modelPath);
  if (!session) {
    session = createSession(modelPath, overrides);
    sessions.set(modelPath, session);
    session.catch(() => sessions.delete(modelPath));
  }
  return session;
}

function createSession(modelPath: string, overrides: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  const data = rawWorkerData as WorkerData | undefined;
  return ort.InferenceSession.create(modelPath, { ...sessionOptions(myDevice(data), data?.intraOpThreads ?? 1), ...overrides });
}

/**
 * A new session of a model file in this thread's place for it (what asks for the file from now on gets the new
 * one), and the session it replaces, which the caller releases once no call runs on it: ONNX Runtime's memory
 * arena keeps what its largest call reserved for as long as the session lives.
 */
export async function renewSession(
  modelPath: string,
  overrides: ort.InferenceSession.SessionOptions = {},
): Promise<{ session: ort.InferenceSession; replaced?: ort.InferenceSession }> {
  const session = await createSession(modelPath, overrides);
  const previous = sessions.get(modelPath);
  sessions.set(modelPath, Promise.resolve(session));
  return { session, replaced: await previous?.catch(() => undefined) };
}

/** Releases this thread's session of one model file, if it has one (the model was unloaded and is idle). */
export async function releaseSession(modelPath: string): Promise<void> {
  const session = sessions.get(modelPath);
  sessions.delete(modelPath);
  await (await session?.catch(() => undefined))?.release();
}

/** Releases every session of this thread, so none is left for the thread's teardown to destroy. */
export async function releaseSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  for (const session of all) await (await session.catch(() => undefined))?.release();
}

export function describeThread(): { threadId: number; device: Device } {
  return { threadId, device: myDevice(rawWorkerData as WorkerData | undefined) };
}

export { ort };
