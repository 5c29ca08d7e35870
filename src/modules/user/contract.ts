import { z } from 'zod';

// `hub-serving/module`: what a user module is. One JavaScript file (module.js or module.mjs) in a folder beside
// its ONNX file; `hub serving start -m ./folder` serves it like a built-in: the PaddleHub route, /v2, the
// scheduler's batching across requests, metrics, /openapi.json and the playground.
//
// The framework runs the stages: `preprocess` on the main thread turns a request's arguments into items (one
// row of the model's inputs each, without the batch dimension); the scheduler stacks items of concurrent
// requests along dimension 0 into one model call in the inference threads; `postprocess` turns each item's
// outputs into one PaddleHub-shaped result.

export { z };

/** One input row of the model, by input name: row-major data and the row's shape (no batch dimension). */
export type ItemInputs = Record<string, { data: ArrayLike<number> | ArrayLike<bigint> | readonly string[] | readonly boolean[]; shape: number[] }>;

/** One item's outputs, by output name, the batch dimension taken off. */
export type ItemOutputs = Record<string, { data: ArrayLike<number | bigint | string | boolean>; shape: number[] }>;

export interface UserArgument {
  /** The zod schema of the argument; `.default(x)` makes it optional with that default. */
  schema: z.ZodType;
  /** What it means, for `hub show`, /modules, /openapi.json and the playground. */
  help: string;
}

export interface UserModule<Args extends Record<string, unknown> = Record<string, unknown>> {
  /** The route: POST /predict/<name>. Lower case letters, digits and _. */
  name: string;
  version: string;
  summary: string;
  task?: string;
  /** The ONNX file, relative to the module's folder. */
  model: string;
  /** The predict arguments, each with its help; given the package's zod, so a module needs no import. */
  arguments: (zod: typeof z) => Record<string, UserArgument>;
  /** A request body that works: the docs show it and the start checks it. */
  example: Record<string, unknown>;
  /** One result, in words. */
  output?: string;
  /** Arguments (checked, defaults applied) to items: one per result. */
  preprocess(args: Args): ItemInputs[] | Promise<ItemInputs[]>;
  /** Each item's outputs, in order, to its result. */
  postprocess(outputs: ItemOutputs, args: Args, index: number): unknown;
}

/** Types a module's definition; it returns it unchanged. */
export function defineModule<Args extends Record<string, unknown> = Record<string, unknown>>(module: UserModule<Args>): UserModule<Args> {
  return module;
}
