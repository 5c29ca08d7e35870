import type * as ort from 'onnxruntime-node';
import { getSession, releaseSession, renewSession } from '../../backends/onnx-session.js';
import { collectGarbage } from '../../process/full-collection.js';
import { isPacked, movePacked, unpackArrays, type PackedValues } from '../../scheduler/packed-arrays.js';

// The thread side of the module contract: a module's infer file default-exports `defineInfer({...})`, and the
// framework drives it in every inference thread. `open` runs once per thread per opened model (the framework
// keeps what it returns and the sessions it made), `warmup` proves it before the first request, and `run` takes
// one batch of items that may come from many requests and answers one output per item, in order. After a peak,
// `renew` opens the model again with new sessions and lets the old ones go once their calls are done, so what
// their memory arenas reserved goes back (src/process/memory-return.ts decides when).

/** What an infer file is given to make sessions with: sessions are the framework's, kept per thread and freed on close. */
export interface InferTools {
  session(path: string, options?: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession>;
}

export interface InferSpec<Open, Model, Item, Out, Info = undefined> {
  /** Loads what the model needs in this thread (sessions, tables), from the payload the module opened it with. */
  open(open: Open, tools: InferTools): Promise<Model>;
  /** Runs once in every thread after `open`, before requests: a file that does not fit fails the start. */
  warmup?(model: Model, open: Open): Promise<Info>;
  /** One model call: one output per item, in the items' order. */
  run(items: Item[], model: Model, open: Open): Promise<Out[]>;
}

/** The message an infer file's default export takes. */
export type InferTask =
  | { op: 'open'; open: unknown }
  /** Items as they are, or packed by the framework (scheduler/packed-arrays.ts): then the outputs go back packed too. */
  | { op: 'run'; open: unknown; items: unknown[] | PackedValues }
  | { op: 'release'; open: unknown }
  | { op: 'renew'; open: unknown };

/** The default export of an infer file, typed so the main side can read its payload, item and output types. */
export interface InferFunction<Open, Item, Out, Info> {
  (task: InferTask): Promise<unknown>;
  /** Types only: never set. */
  readonly types?: { open: Open; item: Item; out: Out; info: Info };
}

interface Opened<Model> {
  model: Promise<Model>;
  sessions: Set<string>;
  /** Modules that opened this payload in this thread (lac and jieba_paddle open the same LAC model): freed at 0. */
  holders: number;
  /** Calls running, each on the model it started with. */
  running: Set<Promise<unknown>>;
  /** Calls since the model was opened or renewed: a model that did nothing since keeps its sessions. */
  calls: number;
  renewing: boolean;
}

/** Makes the function the inference threads call; its `opened` map is per thread, as each thread imports the file. */
export function defineInfer<Open, Model, Item, Out, Info = undefined>(spec: InferSpec<Open, Model, Item, Out, Info>): InferFunction<Open, Item, Out, Info> {
  const opened = new Map<string, Opened<Model>>();

  const openOnce = (open: unknown): Opened<Model> => {
    const key = JSON.stringify(open);
    let entry = opened.get(key);
    if (!entry) {
      const sessions = new Set<string>();
      const tools: InferTools = {
        session: (path, options) => {
          sessions.add(path);
          return getSession(path, options);
        },
      };
      entry = { model: spec.open(open as Open, tools), sessions, holders: 0, running: new Set(), calls: 0, renewing: false };
      opened.set(key, entry);
      // A failed open is tried again by the next task rather than cached.
      entry.model.catch(() => opened.delete(key));
    }
    return entry;
  };

  /**
   * Opens the model again with new sessions of its files and warms it up, puts it in place of the old one, waits
   * for the calls running on the old one, releases its sessions and collects this thread's garbage. Answers
   * whether it renewed (not when the model has not run since it was opened or last renewed).
   */
  const renew = async (open: unknown): Promise<boolean> => {
    const entry = opened.get(JSON.stringify(open));
    if (!entry || entry.calls === 0 || entry.renewing) return false;
    entry.renewing = true;
    try {
      const replaced: ort.InferenceSession[] = [];
      const tools: InferTools = {
        session: async (path, options) => {
          const renewed = await renewSession(path, options);
          if (renewed.replaced) replaced.push(renewed.replaced);
          return renewed.session;
        },
      };
      const model = await spec.open(open as Open, tools);
      if (spec.warmup) await spec.warmup(model, open as Open);
      const draining = [...entry.running];
      entry.model = Promise.resolve(model);
      entry.calls = 0;
      await Promise.allSettled(draining);
      for (const session of replaced) await session.release();
      collectGarbage();
      return true;
    } finally {
      entry.renewing = false;
    }
  };

  return async (task: InferTask): Promise<unknown> => {
    if (task.op === 'renew') return renew(task.open);
    if (task.op === 'release') {
      const key = JSON.stringify(task.open);
      const entry = opened.get(key);
      if (!entry || --entry.holders > 0) return undefined;
      opened.delete(key);
      for (const path of entry.sessions) await releaseSession(path);
      return undefined;
    }
    const entry = openOnce(task.open);
    if (task.op === 'open') {
      const model = await entry.model;
      entry.holders++;
      return spec.warmup ? spec.warmup(model, task.open as Open) : undefined;
    }
    // The model is read as the call is counted, in one step: a renewal waits for exactly the calls on the old one.
    const packed = isPacked(task.items) ? task.items : undefined;
    const items = (packed ? unpackArrays(packed) : task.items) as Item[];
    const call = entry.model.then((model) => spec.run(items, model, task.open as Open));
    entry.running.add(call);
    entry.calls++;
    try {
      const outputs = await call;
      // Anything but a list goes back as it is, for the main side to refuse.
      return packed !== undefined && Array.isArray(outputs) ? movePacked(outputs) : outputs;
    } finally {
      entry.running.delete(call);
    }
  };
}
