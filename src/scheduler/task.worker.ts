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
  /**
   * For tasks meant for every thread: after its task, a thread waits here until all `parties` have arrived,
   * so no thread can take a second one and each thread runs exactly one.
   */
  barrier?: { arrived: SharedArrayBuffer; parties: number };
}

/** Longest a thread waits at a barrier for the others (a thread that died must not hang the rest). */
const BARRIER_TIMEOUT_MS = 30_000;

function arriveAndWait(barrier: NonNullable<TaskEnvelope['barrier']>): void {
  const arrived = new Int32Array(barrier.arrived);
  Atomics.add(arrived, 0, 1);
  Atomics.notify(arrived, 0);
  const deadline = Date.now() + BARRIER_TIMEOUT_MS;
  for (let seen = Atomics.load(arrived, 0); seen < barrier.parties && Date.now() < deadline; seen = Atomics.load(arrived, 0)) {
    Atomics.wait(arrived, 0, seen, deadline - Date.now());
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
  if (Atomics.compareExchange(state, 0, TASK_QUEUED, TASK_STARTED) !== TASK_QUEUED) return undefined;
  try {
    return await (await taskFunction(task.file))(task.payload);
  } finally {
    if (task.barrier) arriveAndWait(task.barrier);
  }
}
