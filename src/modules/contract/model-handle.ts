import { overridesFor } from '../../config/schedule.js';
import { hubError } from '../../errors/catalogue.js';
import { scheduleWith, type Batcher, type BatchItem } from '../../scheduler/batcher.js';
import type { Placement } from '../../scheduler/pool.js';
import { modelBatcher } from '../../scheduler/model-batcher.js';
import { isPacked, packArrays, unpackArrays } from '../../scheduler/packed-arrays.js';
import type { CallContext, ModuleContext } from '../types.js';
import type { InferFunction, InferTask } from './define-infer.js';

// The main side of a declared model: opened in every inference thread at load (sessions and warm-up are the
// framework's), then fed through its own batcher, so items of concurrent requests share one call of `run` in
// a thread. Typed by the infer file's default export, so a module cannot send an item its infer file does not take.

/** How a model's calls are formed: its defaults, under the server's and the module's options. */
export interface ModelSchedule {
  /** Items per call; 1 turns batching across requests off. */
  maxBatchSize: number;
  /** Items x the largest item's `size` per call (Infinity where items are alike). */
  maxElements: number;
  maxQueueDelayMs: number;
  maxQueueSize: number;
  /** A call beside a running one only when a whole call's elements wait, else one waiting behind it (BatcherOptions.spreadWhenFull). */
  spreadWhenFull?: boolean;
}

type Types<F> = F extends InferFunction<infer O, infer I, infer R, infer N> ? { open: O; item: I; out: R; info: N } : never;

/** A model a module declares: its infer file, and its scheduling defaults (fixed, or read from what its warm-up tells). */
export interface ModelDeclaration<F extends InferFunction<unknown, unknown, unknown, unknown>> {
  /** file: URL of the infer file, whose default export is `defineInfer(...)`. */
  file: string;
  schedule: ModelSchedule;
  /** What the model cannot take whatever the options say (no batch dimension: one item per call), from its warm-up. */
  fit?(schedule: ModelSchedule, info: Types<F>['info']): ModelSchedule;
  /** Types only. */
  readonly fn?: F;
}

/** Declares a model by its infer file; the type argument is `typeof import('./x.infer.js').default`. */
export function inferModel<F extends InferFunction<unknown, unknown, unknown, unknown>>(file: URL, schedule: ModelSchedule, fit?: ModelDeclaration<F>['fit']): ModelDeclaration<F> {
  return { file: file.href, schedule, ...(fit ? { fit } : {}) };
}

/** A model opened in every thread, fed through its batcher. */
export interface ModelHandle<Item, Out, Info> {
  /** What `warmup` answered (from the first thread). */
  readonly info: Info;
  /** Items waiting for a call, and calls running: the model's load. */
  readonly queueLength: number;
  readonly running: number;
  /** One output per item, in order; the items share calls with other requests' items. */
  infer(items: (Item & BatchItem)[], call: CallContext): Promise<Out[]>;
  /** Waits for its calls to finish, then frees its sessions in every thread. */
  close(): Promise<void>;
}

/** An open model as the idle process sees it when it gives memory back (src/process/memory-return.ts). */
export interface RenewableModel {
  readonly name: string;
  /** Nothing waits for a call and no call runs. */
  readonly idle: boolean;
  /** A call ran since the model was opened or its sessions last renewed. */
  readonly ranSinceRenewal: boolean;
  /** Opens it again in every idle thread with new sessions, freeing the old ones; answers how many threads did. */
  renewSessions(): Promise<number>;
}

const openModels = new Set<RenewableModel>();

/** The models open in this process. */
export function renewableModels(): RenewableModel[] {
  return [...openModels];
}

/** Opens a declared model in every thread with `open` (its warm-up runs there) and gives its handle. */
export async function openModel<F extends InferFunction<unknown, unknown, unknown, unknown>>(
  name: string,
  declaration: ModelDeclaration<F>,
  open: Types<F>['open'],
  context: Pick<ModuleContext, 'pool' | 'schedule' | 'observe'>,
): Promise<ModelHandle<Types<F>['item'], Types<F>['out'], Types<F>['info']>> {
  type Item = Types<F>['item'];
  type Out = Types<F>['out'];
  const { pool } = context;
  const openTask: InferTask = { op: 'open', open };
  const [info] = await pool.broadcast<Types<F>['info']>(declaration.file, openTask);
  let closing = false;
  let ranSinceRenewal = false;
  let renewal: Promise<number> | undefined;
  const execute = async (items: (Item & BatchItem)[], placement: Placement): Promise<Out[]> => {
    ranSinceRenewal = true;
    const { packed, transfer } = packArrays(items);
    const task: InferTask = { op: 'run', open, items: packed };
    const answer = await pool.run<unknown>(declaration.file, task, { transferList: transfer, placement });
    const outputs = isPacked(answer) ? (unpackArrays(answer) as Out[]) : answer;
    if (!Array.isArray(outputs) || outputs.length !== items.length) {
      throw new Error(`${name}: the model answered ${Array.isArray(outputs) ? outputs.length : 'no list of'} outputs for ${items.length} items`);
    }
    return outputs;
  };
  // Its module's values, then the server's, then its own defaults; then what it cannot take whatever it is told.
  const options = scheduleWith(declaration.schedule, overridesFor(context.schedule, name));
  const schedule = declaration.fit ? declaration.fit(options, info as Types<F>['info']) : options;
  context.schedule?.opened?.(name, schedule);
  const batcher: Batcher<Item & BatchItem, Out> = modelBatcher(name, pool, context, schedule, execute);
  const renewable: RenewableModel = {
    name,
    get idle() {
      return batcher.queueLength === 0 && batcher.running === 0;
    },
    get ranSinceRenewal() {
      return ranSinceRenewal;
    },
    renewSessions() {
      ranSinceRenewal = false;
      const task: InferTask = { op: 'renew', open };
      renewal = pool.broadcast<boolean>(declaration.file, task).then((renewed) => renewed.filter(Boolean).length);
      return renewal;
    },
  };
  openModels.add(renewable);
  return {
    info: info as Types<F>['info'],
    get queueLength() {
      return batcher.queueLength;
    },
    get running() {
      return batcher.running;
    },
    infer(items, call) {
      if (closing) return Promise.reject(hubError('MODEL_UNLOADING', name));
      return batcher.submit(items, call);
    },
    async close() {
      closing = true;
      openModels.delete(renewable);
      await renewal?.catch(() => undefined);
      while (batcher.queueLength > 0 || batcher.running > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const release: InferTask = { op: 'release', open };
      await pool.broadcast(declaration.file, release);
    },
  };
}
