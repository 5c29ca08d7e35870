import type * as ort from 'onnxruntime-node';
import { getSession, releaseSession } from '../../backends/onnx-session.js';

// The thread side of the module contract: a module's infer file default-exports `defineInfer({...})`, and the
// framework drives it in every inference thread. `open` runs once per thread per opened model (the framework
// keeps what it returns and the sessions it made), `warmup` proves it before the first request, and `run` takes
// one batch of items that may come from many requests and answers one output per item, in order.

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
  | { op: 'run'; open: unknown; items: unknown[] }
  | { op: 'release'; open: unknown };

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
      entry = { model: spec.open(open as Open, tools), sessions, holders: 0 };
      opened.set(key, entry);
      // A failed open is tried again by the next task rather than cached.
      entry.model.catch(() => opened.delete(key));
    }
    return entry;
  };

  return async (task: InferTask): Promise<unknown> => {
    if (task.op === 'release') {
      const key = JSON.stringify(task.open);
      const entry = opened.get(key);
      if (!entry || --entry.holders > 0) return undefined;
      opened.delete(key);
      for (const path of entry.sessions) await releaseSession(path);
      return undefined;
    }
    const entry = openOnce(task.open);
    const model = await entry.model;
    if (task.op === 'open') {
      entry.holders++;
      return spec.warmup ? spec.warmup(model, task.open as Open) : undefined;
    }
    return spec.run(task.items as Item[], model, task.open as Open);
  };
}
