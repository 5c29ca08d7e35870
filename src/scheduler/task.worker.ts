import { threadId } from 'node:worker_threads';

// The entry of every inference thread: runs a module's task file unless the task was cancelled while queued.
// Cancelling is a compare-and-swap on a shared flag rather than piscina's abort, because aborting a running
// task terminates its thread, and a thread terminated inside onnxruntime can bring the process down at exit.

export const TASK_QUEUED = 0;
export const TASK_STARTED = 1;
export const TASK_CANCELLED = 2;

export interface TaskEnvelope {
  /** file: URL of the module's task file; its default export runs the payload. */
  file: string;
  payload: unknown;
  /** One Int32 on a SharedArrayBuffer: TASK_QUEUED, TASK_STARTED or TASK_CANCELLED. */
  state: SharedArrayBuffer;
  /** For tasks meant for every thread once (see claim and gather below). */
  barrier?: Barrier;
}

/**
 * A task for every thread: each thread claims its place before running the task (a second copy reaching a
 * thread that has one answers DUPLICATE, and the pool sends it again, to another thread), and after running
 * it waits, without blocking its event loop, until every thread is done. A waiting thread stays busy in the
 * pool's eyes, so the copies sent again go to the threads that have none yet.
 */
export interface Barrier {
  /** Int32 [claimed, done, threadId x parties]. */
  cells: SharedArrayBuffer;
  parties: number;
}

export const DUPLICATE = 'hub:duplicate-on-thread';

/** Longest a thread waits at a barrier for the others (a thread that died must not hang the rest). */
const BARRIER_TIMEOUT_MS = 30_000;

export function newBarrier(parties: number): Barrier {
  return { cells: new SharedArrayBuffer(4 * (2 + parties)), parties };
}

function claim(barrier: Barrier): boolean {
  const cells = new Int32Array(barrier.cells);
  const claimed = Math.min(Atomics.load(cells, 0), barrier.parties);
  for (let i = 0; i < claimed; i++) if (Atomics.load(cells, 2 + i) === threadId) return false;
  const slot = Atomics.add(cells, 0, 1);
  if (slot < barrier.parties) Atomics.store(cells, 2 + slot, threadId);
  return true;
}

async function gather(barrier: Barrier): Promise<void> {
  const cells = new Int32Array(barrier.cells);
  Atomics.add(cells, 1, 1);
  Atomics.notify(cells, 1);
  const deadline = Date.now() + BARRIER_TIMEOUT_MS;
  for (let done = Atomics.load(cells, 1); done < barrier.parties && Date.now() < deadline; done = Atomics.load(cells, 1)) {
    const wait = Atomics.waitAsync(cells, 1, done, deadline - Date.now());
    if (wait.async) await wait.value;
  }
}

type TaskFunction = (payload: unknown) => unknown;
const loaded = new Map<string, Promise<TaskFunction>>();

function taskFunction(file: string): Promise<TaskFunction> {
  let fn = loaded.get(file);
  if (!fn) {
    fn = import(file).then((m: { default: TaskFunction }) => m.default);
    loaded.set(file, fn);
  }
  return fn;
}

export default async function runTask(task: TaskEnvelope): Promise<unknown> {
  const state = new Int32Array(task.state);
  // Loading the task file yields to the thread's next task; the flag is taken only once this one really runs.
  const run = await taskFunction(task.file);
  if (Atomics.compareExchange(state, 0, TASK_QUEUED, TASK_STARTED) !== TASK_QUEUED) return undefined;
  if (task.barrier && !claim(task.barrier)) return DUPLICATE;
  try {
    return await run(task.payload);
  } finally {
    if (task.barrier) await gather(task.barrier);
  }
}
