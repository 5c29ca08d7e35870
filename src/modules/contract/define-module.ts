import type { z } from 'zod';
import type { Logger } from 'pino';
import type { CallContext, InstallProgress, InstallResult, LoadedModule, ModuleContext, ModuleDefinition, ModuleManifest } from '../types.js';
import type { ModuleTensors } from '../../server/v2/module-model.js';
import type { V2Model } from '../../server/v2/routes.js';
import { argumentRows, argumentsSchema, type ArgumentValues, type Arguments } from './arguments.js';
import type { InferFunction } from './define-infer.js';
import { openModel, type ModelDeclaration, type ModelHandle } from './model-handle.js';
import { loadOnnxFile } from '../../models/load-onnx-file.js';
import type { OnnxFileModel } from '../../models/onnx-file.js';

// The one module contract. A module is a folder with an `index.ts` that default-exports `defineModule({...})` and
// an infer file per model (`defineInfer`, see define-infer.ts). The framework owns everything around the stages:
// validating requests against the declared arguments (and documenting them), installing weights through the
// artifacts the module declares, opening each model in every inference thread with a warm-up, batching items
// of concurrent requests into one call, deadlines and cancellation, and the reply.
//
// The stages:
//   preprocess   main thread, cheap: checked arguments -> items (one per model row: a text piece, an image crop)
//   infer        inference threads: a batch of items, possibly from many requests -> one output per item
//   postprocess  main thread: the request's outputs -> its PaddleHub-shaped results
// A module whose request goes through several models (OCR: detection, then its text lines) writes `predict`
// instead, calling each model's `infer` in turn: each call is still a stage the scheduler batches.

type AnyInfer = InferFunction<unknown, unknown, unknown, unknown>;
type Models = Record<string, ModelDeclaration<AnyInfer>>;
type Handles<M extends Models> = {
  [K in keyof M]: M[K] extends ModelDeclaration<infer F> ? F extends InferFunction<infer _O, infer I, infer R, infer N> ? ModelHandle<I, R, N> : never : never
};
type ItemOf<D> = D extends ModelDeclaration<infer F> ? F extends InferFunction<infer _O, infer I, infer _R, infer _N> ? I : never : never;
type OutOf<D> = D extends ModelDeclaration<infer F> ? F extends InferFunction<infer _O, infer _I, infer R, infer _N> ? R : never : never;
type OpenPayloads<M extends Models> = {
  [K in keyof M]: M[K] extends ModelDeclaration<infer F> ? F extends InferFunction<infer O, infer _I, infer _R, infer _N> ? O : never : never
};

/** Where a module's weights come from and whether they are ready (the artifacts layer does the work). */
export interface ModuleArtifacts {
  /** Prepared weights already in the cache (no network, no conversion), else undefined. */
  installed(init: Record<string, unknown>): Promise<InstallResult | undefined>;
  install(init: Record<string, unknown>, progress?: InstallProgress): Promise<InstallResult>;
  /** For weights a user must supply: what to supply, said where they are missing. */
  missing?(): string;
}

export interface LoadContext<I extends Arguments, M extends Models> {
  init: ArgumentValues<I>;
  installed: InstallResult;
  log: Logger;
  /** Opens a declared model in every inference thread (its warm-up runs there) and gives its handle. */
  open<K extends keyof M & string>(model: K, payload: OpenPayloads<M>[K]): Promise<Handles<M>[K]>;
  /** Opens any ONNX file as the framework serves bare files (signature checks, stacking, /v2), named as the module. */
  onnxFile(path: string): Promise<OnnxFileModel>;
}

interface Common<A extends Arguments, I extends Arguments, M extends Models, S> {
  manifest: Omit<ModuleManifest, 'input' | 'compatibleVersions'> & { compatibleVersions?: string[]; input?: string };
  arguments: A;
  /** Rules that span several arguments (one of `text` or `texts`). */
  check?(value: ArgumentValues<A>, context: z.RefinementCtx): void;
  /** init_args of the config file. */
  init: I;
  /** The shape of one result, which the contract suite checks every module's example against. */
  result: z.ZodType;
  artifacts: ModuleArtifacts;
  models: M;
  /** Reads what the stages need (tables, names) and opens the models; what it returns is the stages' `state`. */
  load(context: LoadContext<I, M>): Promise<S>;
  /** Where the weights were loaded from, when it says more than the artifacts' source. */
  weightsFrom?(installed: InstallResult, state: S): string;
  /** Frees what `load` made besides the models (which the framework closes). */
  close?(state: S): Promise<void>;
  /** Its arguments and results as tensors, for /v2. */
  tensors?: ModuleTensors;
  /** Its model as /v2 serves it as a plain tensor model, where the module wraps one ONNX file (user modules). */
  v2?(state: S): V2Model;
}

/** What preprocess hands on: the items alone, or the items with what postprocess needs of the request (kept on this thread). */
export type Prepared<Item> = Item[] | { items: Item[] };

/** The three stages over one model. */
export interface StagedModule<A extends Arguments, I extends Arguments, M extends Models, S, K extends keyof M & string, P extends Prepared<ItemOf<M[K]>>> extends Common<A, I, M, S> {
  /** The model the items go to. */
  model: K;
  /** Checked arguments to items (one per model row), on the main thread. */
  preprocess(args: ArgumentValues<A>, state: S, call: CallContext): P | Promise<P>;
  /** One output per item, in order, to the request's results; `prepared` is what preprocess returned. */
  postprocess(outputs: OutOf<M[K]>[], args: ArgumentValues<A>, state: S, prepared: P): unknown[] | Promise<unknown[]>;
  predict?: never;
}

/** A request that goes through several models: `predict` calls their handles' `infer` in turn. */
export interface PipelineModule<A extends Arguments, I extends Arguments, M extends Models, S> extends Common<A, I, M, S> {
  predict(args: ArgumentValues<A>, state: S, call: CallContext): Promise<unknown[]>;
  model?: never;
  preprocess?: never;
  postprocess?: never;
}

/** The framework's view of the models a module opened: closed when the module is. */
function opener<M extends Models>(name: string, models: M, context: ModuleContext, handles: Map<string, ModelHandle<unknown, unknown, unknown>>) {
  return async <K extends keyof M & string>(model: K, payload: OpenPayloads<M>[K]): Promise<Handles<M>[K]> => {
    const declaration = models[model];
    if (!declaration) throw new Error(`${name}: no model "${model}" is declared`);
    // Each model is scheduled under its own name in metrics, unless the module has just one.
    const label = Object.keys(models).length > 1 ? `${name}/${model}` : name;
    if (handles.has(model)) throw new Error(`${name}: model "${model}" is opened twice`);
    const handle = await openModel(label, declaration, payload as never, context);
    handles.set(model, handle as ModelHandle<unknown, unknown, unknown>);
    return handle as unknown as Handles<M>[K];
  };
}

export function defineModule<A extends Arguments, I extends Arguments, M extends Models, S, K extends keyof M & string, P extends Prepared<ItemOf<M[K]>>>(
  spec: StagedModule<A, I, M, S, K, P> | PipelineModule<A, I, M, S>,
): ModuleDefinition {
  const manifest: ModuleManifest = {
    ...spec.manifest,
    compatibleVersions: spec.manifest.compatibleVersions ?? [spec.manifest.version],
    input: spec.manifest.input ?? `a JSON object of ${Object.keys(spec.arguments).join(', ')}, e.g. ${JSON.stringify(spec.manifest.example)}`,
  };
  const predictSchema = argumentsSchema(spec.arguments, spec.check) as unknown as z.ZodType<Record<string, unknown>>;
  const initSchema = argumentsSchema(spec.init) as unknown as z.ZodType<Record<string, unknown>>;
  const rows = argumentRows(spec.arguments);

  const run = (state: S, handles: Map<string, ModelHandle<unknown, unknown, unknown>>) => async (args: ArgumentValues<A>, call: CallContext): Promise<unknown[]> => {
    if (spec.predict) return spec.predict(args, state, call);
    const staged = spec as StagedModule<A, I, M, S, K, P>;
    const handle = handles.get(staged.model) as ModelHandle<ItemOf<M[K]>, OutOf<M[K]>, unknown> | undefined;
    if (!handle) throw new Error(`${manifest.name}: load must open the model "${staged.model}"`);
    const prepared = await staged.preprocess(args, state, call);
    const items = Array.isArray(prepared) ? prepared : (prepared as { items: ItemOf<M[K]>[] }).items;
    const outputs = await handle.infer(items as (ItemOf<M[K]> & { size: number })[], call);
    return staged.postprocess(outputs, args, state, prepared);
  };

  return {
    manifest,
    predictSchema,
    initSchema,
    describeArgs: () => rows,
    resultSchema: spec.result,
    installed: (init) => spec.artifacts.installed(init),
    install: (init, progress) => spec.artifacts.install(init, progress),
    ...(spec.artifacts.missing ? { missingWeights: () => spec.artifacts.missing!() } : {}),
    ...(spec.tensors ? { tensors: spec.tensors } : {}),
    async load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule> {
      const handles = new Map<string, ModelHandle<unknown, unknown, unknown>>();
      const files: OnnxFileModel[] = [];
      const closeAll = async () => {
        for (const handle of handles.values()) await handle.close();
        for (const file of files) await file.close();
      };
      let state: S;
      try {
        state = await spec.load({
          init: context.initArgs as ArgumentValues<I>,
          installed,
          log: context.log,
          open: opener(manifest.name, spec.models, context, handles),
          onnxFile: async (path) => {
            const file = await loadOnnxFile(manifest.name, path, context.pool, context);
            files.push(file);
            return file;
          },
        });
      } catch (error) {
        await closeAll();
        throw error;
      }
      const predict = run(state, handles);
      return {
        manifest,
        weightsFrom: spec.weightsFrom?.(installed, state) ?? installed.source,
        predict: (args, call) => predict(args as ArgumentValues<A>, call),
        ...(spec.v2 ? { v2: spec.v2(state) } : {}),
        async close() {
          await spec.close?.(state);
          await closeAll();
        },
      };
    },
  };
}
