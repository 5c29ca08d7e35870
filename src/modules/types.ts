import type { z } from 'zod';
import type { Logger } from 'pino';
import type { InstallProgress } from '../artifacts/progress.js';
import type { InstallResult } from '../artifacts/record.js';
import type { ScheduleOverrides } from '../config/schema.js';
import type { BatchStats, CallTiming } from '../scheduler/batcher.js';
import type { InferencePool } from '../scheduler/pool.js';
import type { ModuleTensors } from '../server/v2/module-model.js';
import type { V2Model } from '../server/v2/routes.js';

// What a module is to the rest of the system. The server, CLI and scheduler know modules only through this.

export interface ModuleManifest {
  name: string;
  /** The PaddleHub version whose request and result format this module speaks. */
  version: string;
  /** Other PaddleHub versions with the same request and result format (served by this one with a warning). */
  compatibleVersions: string[];
  task: string;
  summary: string;
  /** Where the weights come from, in words, for `hub list` and `hub show`. */
  weights: string;
  /** The request body, in words, with an example. */
  input: string;
  /** One result, in words, with an example. */
  output: string;
  /** A request body that works, for docs and checks. */
  example: Record<string, unknown>;
}

// Installing is the artifacts layer's: these names stay here so every module keeps one import.
export type { InstallProgress, InstallResult };

export interface ModuleContext {
  initArgs: Record<string, unknown>;
  pool: InferencePool;
  log: Logger;
  /** The server's scheduling options, over the module's own defaults. */
  schedule?: ScheduleOverrides;
  /** Hooks a model's scheduler to the metrics. */
  observe?: (model: string, load: { readonly queueLength: number; readonly running: number }) => BatchStats;
}

export interface CallContext {
  signal: AbortSignal;
  /**
   * Runs `listener` once when the request is given up (its timeout, its client gone), at once if it already
   * was; answers what stops listening. For the framework's queues, which watch every request: unlike reading
   * `signal`, it creates no AbortController. A context without it is watched through its signal.
   */
  onAbort?(listener: (reason: unknown) => void): () => void;
  /** Filled by the scheduler, for the reply's Server-Timing. */
  timing?: CallTiming;
  /** performance.now() time by which the request is answered (its timeout): the scheduler runs nothing for it after. */
  deadline?: number;
}

export interface LoadedModule {
  manifest: ModuleManifest;
  /** Where the weights were loaded from. */
  weightsFrom: string;
  predict(args: Record<string, unknown>, call: CallContext): Promise<unknown[]>;
  close?(): Promise<void>;
  /** Its model as /v2 serves it, where the module is one ONNX file (user modules). */
  v2?: V2Model;
}

export interface ModuleDefinition {
  manifest: ModuleManifest;
  /** Validates a request body merged over the config's predict_args (strict: unknown keys are refused). */
  predictSchema: z.ZodType<Record<string, unknown>>;
  /** Validates init_args from the config file. */
  initSchema: z.ZodType<Record<string, unknown>>;
  /** Arguments of predict with defaults and types, for `hub show`. */
  describeArgs(): { name: string; type: string; default: unknown; help: string; required?: boolean }[];
  /** The shape of one result (modules on the contract declare it; the contract suite checks it). */
  resultSchema?: z.ZodType;
  /** Whether prepared weights are in the cache (no network, no conversion). */
  installed(initArgs: Record<string, unknown>): Promise<InstallResult | undefined>;
  install(initArgs: Record<string, unknown>, progress?: InstallProgress): Promise<InstallResult>;
  /** For modules that cannot install their own weights: what a user must supply, said where weights are missing. */
  missingWeights?(): string;
  load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule>;
  /** Its arguments and results as tensors, where that makes sense, for the /v2 routes. */
  tensors?: ModuleTensors;
}
