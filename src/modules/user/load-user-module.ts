import { existsSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { UsageError, hubError } from '../../errors/catalogue.js';
import { sha256File } from '../../hub/checksum.js';
import type { OnnxFileModel } from '../../models/onnx-file.js';
import { arg } from '../contract/arguments.js';
import { defineModule } from '../contract/define-module.js';
import { decodeJsonTensor, TensorError } from '../../server/v2/tensor-codec.js';
import type { CallContext, ModuleDefinition } from '../types.js';
import type { ItemOutputs, UserModule } from './contract.js';

// A user module, from its folder: the file is imported, its definition checked, and a ModuleDefinition made of it
// that the server drives like a built-in's (the stages in contract.ts; the model through the scheduler).

/** The file a module folder holds, looked for in this order. */
export const MODULE_FILES = ['module.mjs', 'module.js', 'module.ts', 'module.mts'];

const NAME = /^[a-z][a-z0-9_]{0,63}$/;

const specSchema = z.object({
  name: z.string().regex(NAME, { error: 'expected lower case letters, digits and _, starting with a letter' }),
  version: z.string().min(1),
  summary: z.string().min(1),
  task: z.string().optional(),
  model: z.string().min(1),
  arguments: z.custom<UserModule['arguments']>((v) => typeof v === 'function', { error: 'expected a function (z) => ({ name: { schema, help } })' }),
  example: z.record(z.string(), z.unknown()),
  output: z.string().optional(),
  preprocess: z.custom<UserModule['preprocess']>((v) => typeof v === 'function', { error: 'expected a function' }),
  postprocess: z.custom<UserModule['postprocess']>((v) => typeof v === 'function', { error: 'expected a function' }),
});

const argumentSchema = z.object({
  schema: z.custom<z.ZodType>((v) => v instanceof z.ZodType, { error: 'expected a zod schema made with the z the module was given' }),
  help: z.string(),
});

function moduleFile(source: string): string {
  const file = statSync(source, { throwIfNoEntry: false })?.isDirectory() ? MODULE_FILES.map((f) => join(source, f)).find((f) => existsSync(f)) : source;
  if (!file || !existsSync(file)) throw new UsageError(`module ${source}: none of ${MODULE_FILES.join(', ')} in the folder (\`hub new module <name>\` makes one)`);
  return file;
}

/**
 * A module written in TypeScript, on a Node that cannot run it: esbuild strips its types into a file beside it
 * (so its relative imports resolve as written), which is imported and removed at once.
 */
async function importTypeScript(file: string): Promise<{ default?: unknown }> {
  const { transform } = await import('esbuild');
  const { code } = await transform(await readFile(file, 'utf8'), { loader: 'ts', format: 'esm', sourcefile: file, target: 'node20' });
  const compiled = join(dirname(file), `.${basename(file).replace(/\.m?ts$/i, '')}.${process.pid}.${Date.now()}.mjs`);
  await writeFile(compiled, code);
  try {
    return (await import(pathToFileURL(compiled).href)) as { default?: unknown };
  } finally {
    await rm(compiled, { force: true });
  }
}

/** Imports the module's file and makes its definition; every mistake in it is one line naming the field. */
export async function loadUserModule(source: string): Promise<ModuleDefinition> {
  const file = moduleFile(resolve(source));
  const folder = dirname(file);
  let imported: { default?: unknown };
  try {
    imported = /\.m?ts$/i.test(file) ? await importTypeScript(file) : (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new UsageError(`module ${file}: cannot be imported: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = specSchema.safeParse(imported.default);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`module ${file}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message} (its default export is the module: see \`hub new module\`)`);
  }
  const spec = imported.default as UserModule;
  const model = resolve(folder, spec.model);
  if (relative(folder, model).startsWith('..')) throw new UsageError(`module ${spec.name}: model ${spec.model} is outside the module's folder`);
  const args = spec.arguments(z);
  for (const [key, arg] of Object.entries(args)) {
    const checked = argumentSchema.safeParse(arg);
    if (!checked.success) throw new UsageError(`module ${spec.name}: arguments.${key}: ${checked.error.issues[0]!.path.join('.')}: ${checked.error.issues[0]!.message}`);
  }
  const installed = async () => {
    if (!existsSync(model)) return undefined;
    return { source: `${basename(folder)}/${spec.model} (user module)`, directory: folder, checksum: await sha256File(model), fresh: false };
  };
  // The user's stages around the framework's model for ONNX files: the same batcher, threads and /v2 as a bare file.
  return defineModule({
    manifest: {
      name: spec.name, version: spec.version, task: spec.task ?? 'user module', summary: spec.summary,
      weights: `${spec.model} in the module's folder`,
      output: spec.output ?? 'one result per item',
      example: spec.example,
    },
    arguments: args,
    init: { version: arg(z.union([z.string(), z.number()]).optional(), 'the module version asked for') },
    result: z.unknown(),
    artifacts: {
      installed,
      install: async () => {
        const found = await installed();
        if (!found) throw new UsageError(`module ${spec.name}: its model ${model} is missing (no such file)`);
        return found;
      },
    },
    models: {},
    load: ({ onnxFile }) => onnxFile(model),
    weightsFrom: () => `${basename(folder)}/${spec.model}`,
    v2: (onnx) => onnx.asV2(spec.version),
    async predict(values, onnx, call) {
      const items = await spec.preprocess(values);
      if (!Array.isArray(items)) throw new Error(`module ${spec.name}: preprocess must return a list of items`);
      const outputs = await runItems(onnx, items, call);
      return outputs.map((output, index) => spec.postprocess(output, values, index));
    },
  });
}

/** The items as one-row tensors of the model's datatypes; a mismatch is the request's error (400), not a crash. */
async function runItems(onnx: OnnxFileModel, items: Awaited<ReturnType<UserModule['preprocess']>>, call: CallContext): Promise<ItemOutputs[]> {
  const batched = onnx.signature.batchDimension;
  let decoded;
  try {
    decoded = items.map((item) => onnx.signature.inputs.map((input) => {
      const given = item[input.name];
      if (!given) throw new TensorError(`the model's input ${input.name} is missing from an item of preprocess`);
      return decodeJsonTensor(input.name, input.datatype, batched ? [1, ...given.shape] : given.shape, Array.from(given.data as ArrayLike<unknown>));
    }));
  } catch (error) {
    if (error instanceof TensorError) throw hubError('INVALID_ARGUMENT', error.message);
    throw error;
  }
  const results = await onnx.inferItems(decoded, call);
  return results.map((outputs) => Object.fromEntries(Object.entries(outputs).map(([name, t]) =>
    [name, { data: t.data as ItemOutputs[string]['data'], shape: batched ? t.dims.slice(1) : t.dims }])));
}
