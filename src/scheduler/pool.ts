import { Piscina, queueOptionsSymbol } from 'piscina';
import type { TransferListItem } from 'node:worker_threads';
import { HubError, hubError } from '../errors/catalogue.js';
import type { Device } from '../backends/device.js';
import { DUPLICATE, TASK_CANCELLED, TASK_QUEUED, newBarrier, type Barrier, type TaskEnvelope } from './task.worker.js';

const TASK_ENTRY = new URL('./task.worker.js', import.meta.url).href;
/** Times a copy of a task for every thread is sent again after landing on a thread that had one. */
const BROADCAST_ATTEMPTS = 50;
/** How long close() waits for threads to exit after their tasks are done. */
const THREAD_EXIT_WAIT_MS = 10_000;

// The inference threads of one process. Every thread can run any module's task file and keeps its own
// ONNX Runtime sessions, so a long request occupies one thread while the others keep answering.

export interface PoolOptions {
  devices: Device[];
  /** Tasks waiting for a thread before new ones are refused with 503. */
  maxQueue: number;
  /** ONNX Runtime intra-op threads per session. */
  intraOpThreads: number;
}

export interface WorkerData {
  devices: Device[];
  intraOpThreads: number;
  /** Shared counter that gives each thread its index, hence its device. */
  counter: SharedArrayBuffer;
}

export interface RunOptions {
  signal?: AbortSignal;
  transferList?: TransferListItem[];
  /** Where the task goes: the pool writes the thread it chose; `after` asks for the thread of an earlier task. */
  placement?: Placement;
}

/**
 * A task's thread. A task given `after` waits on that task's thread (when it has room) instead of going to the
 * least busy one: a call queued behind a running call starts the moment it ends, with no round trip through
 * the event loop in between.
 */
export interface Placement {
  thread?: number;
  after?: Placement;
}

/** Tasks a thread holds: one running and one waiting (concurrentTasksPerWorker). */
const TASKS_PER_THREAD = 2;

type Balancer = NonNullable<ConstructorParameters<typeof Piscina>[0]>['loadBalancer'];

/** The least busy thread (an idle one first), or the thread of `after` when it has room; notes the choice. */
const placeTask: Balancer = (task, workers) => {
  const placement = (task as unknown as Record<symbol, Placement | null>)[queueOptionsSymbol] ?? undefined;
  const wanted = placement?.after?.thread;
  let chosen: (typeof workers)[number] | null = null;
  for (const worker of workers) {
    if (worker.terminating || worker.currentUsage >= TASKS_PER_THREAD) continue;
    if (worker.id === wanted) {
      chosen = worker;
      break;
    }
    if (!chosen || worker.currentUsage < chosen.currentUsage) chosen = worker;
  }
  if (chosen && placement) {
    placement.thread = chosen.id;
    // Placed: the earlier task is no longer needed, and holding it would chain every call to all before it.
    placement.after = undefined;
  }
  return chosen;
};

export class InferencePool {
  readonly threads: number;
  readonly devices: Device[];
  private readonly piscina: Piscina;
  /** Tasks handed to piscina and not yet finished, including those whose callers gave up waiting. */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(options: PoolOptions) {
    this.threads = options.devices.length;
    this.devices = options.devices;
    const workerData: WorkerData = {
      devices: options.devices,
      intraOpThreads: options.intraOpThreads,
      counter: new SharedArrayBuffer(4),
    };
    this.piscina = new Piscina({
      filename: TASK_ENTRY,
      minThreads: this.threads,
      maxThreads: this.threads,
      maxQueue: options.maxQueue,
      // A second task waits inside each thread, so a thread never idles for a round trip between tasks
      // (measured: +22% requests/s for lac at 16-64 concurrent clients on 2 cores).
      concurrentTasksPerWorker: TASKS_PER_THREAD,
      loadBalancer: placeTask,
      idleTimeout: Infinity,
      workerData,
    });
  }

  get queueSize(): number {
    return this.piscina.queueSize;
  }

  get utilization(): number {
    return this.piscina.utilization;
  }

  /**
   * Runs a module's task file in a thread. When the signal fires, a task still queued is dropped and one
   * already running is left to finish in its thread; either way the caller is answered at once.
   */
  async run<R>(file: string, payload: unknown, options: RunOptions = {}, barrier?: Barrier): Promise<R> {
    const { signal } = options;
    if (signal?.aborted) throw translatePoolError(signal.reason, signal);
    const envelope: TaskEnvelope = { file, payload, state: new SharedArrayBuffer(4), barrier };
    // Read by placeTask; a symbol key, so it stays on this side of postMessage.
    if (options.placement) (envelope as unknown as Record<symbol, Placement>)[queueOptionsSymbol] = options.placement;
    const work = this.piscina.run(envelope, { transferList: options.transferList as never });
    this.inflight.add(work);
    void work.then(() => this.inflight.delete(work), () => this.inflight.delete(work));
    if (!signal) return work.then((r) => r as R, (error: unknown) => Promise.reject(translatePoolError(error)));
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        Atomics.compareExchange(new Int32Array(envelope.state), 0, TASK_QUEUED, TASK_CANCELLED);
        reject(translatePoolError(signal.reason, signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    work.catch(() => {});
    try {
      return (await Promise.race([work, aborted])) as R;
    } catch (error) {
      throw translatePoolError(error, signal);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }

  /** Runs a task once on every thread, e.g. to load models or to release them; see Barrier. */
  async broadcast<R>(file: string, task: unknown): Promise<R[]> {
    const barrier = newBarrier(this.threads);
    const once = async (): Promise<R> => {
      for (let attempt = 0; attempt < BROADCAST_ATTEMPTS; attempt++) {
        const result = await this.run<R | typeof DUPLICATE>(file, task, {}, barrier);
        if (result !== DUPLICATE) return result as R;
      }
      throw new Error(`a task for every thread did not reach all ${this.threads} threads`);
    };
    return Promise.all(Array.from({ length: this.threads }, once));
  }

  /**
   * Resolves when no task is queued or running, including tasks whose callers have stopped waiting (a request
   * that timed out, a client that went away). Call it once nothing submits new tasks.
   */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /**
   * Waits for the tasks still running (terminating a thread inside onnxruntime is not safe), ends the threads,
   * and resolves only once every thread has exited: a process that exits while a thread is still tearing
   * down its onnxruntime sessions can abort.
   */
  async close(): Promise<void> {
    await this.drain();
    const exited = this.piscina.threads.map((thread) => new Promise<void>((resolve) => {
      thread.once('exit', () => resolve());
      if (thread.threadId === -1) resolve();
    }));
    await this.piscina.close();
    await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, THREAD_EXIT_WAIT_MS).unref())]);
  }
}

function translatePoolError(error: unknown, signal?: AbortSignal): unknown {
  if (error instanceof HubError) return error;
  const message = (error as Error)?.message ?? String(error);
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof HubError ? reason : hubError('CANCELLED');
  }
  if (/queue is at limit/i.test(message)) return hubError('THREADS_BUSY');
  if (/terminat/i.test(message)) return hubError('THREAD_STOPPED');
  return error;
}
