import { existsSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { UsageError, hubError } from '../../errors/catalogue.js';
import { sha256File } from '../../artifacts/checksum.js';
import type { OnnxFileModel } from '../../models/onnx-file.js';
import { loadOnnxFile } from '../../models/load-onnx-file.js';
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

/** JSON Schema's types in the words the built-ins use (`int 1..1024`, `list[str]`), which the playground reads. */
const WORDS: Record<string, string> = { integer: 'int', number: 'float', string: 'str', boolean: 'bool' };

function typeOf(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Record<string, unknown>[]).map(typeOf).join(' | ');
  if (schema.type === 'array') return `list[${typeOf((schema.items ?? {}) as Record<string, unknown>)}]`;
  const word = WORDS[String(schema.type)] ?? String(schema.type ?? 'any');
  return typeof schema.minimum === 'number' && typeof schema.maximum === 'number' ? `${word} ${schema.minimum}..${schema.maximum}` : word;
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
  const predictSchema = z.strictObject(Object.fromEntries(Object.entries(args).map(([key, arg]) => [key, arg.schema]))) as unknown as z.ZodType<Record<string, unknown>>;
  const manifest = {
    name: spec.name, version: spec.version, compatibleVersions: [], task: spec.task ?? 'user module', summary: spec.summary,
    weights: `${spec.model} in the module's folder`,
    input: `a JSON object of ${Object.keys(args).join(', ')}, e.g. ${JSON.stringify(spec.example)}`,
    output: spec.output ?? 'one result per item',
    example: spec.example,
  };
  const installed = async () => {
    if (!existsSync(model)) return undefined;
    return { source: `${basename(folder)}/${spec.model} (user module)`, directory: folder, checksum: await sha256File(model), fresh: false };
  };
  return {
    manifest,
    predictSchema,
    initSchema: z.strictObject({ version: z.union([z.string(), z.number()]).optional() }),
    describeArgs: () => Object.entries(args).map(([name, arg]) => {
      const json = z.toJSONSchema(arg.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      return { name, type: typeOf(json), default: json.default, help: arg.help, required: !arg.schema.safeParse(undefined).success };
    }),
    installed,
    install: async () => {
      const found = await installed();
      if (!found) throw new UsageError(`module ${spec.name}: its model ${model} is missing (no such file)`);
      return found;
    },
    load: async (context) => {
      const onnx = await loadOnnxFile(spec.name, model, context.pool, context);
      return {
        manifest,
        weightsFrom: `${basename(folder)}/${spec.model}`,
        v2: onnx.asV2(spec.version),
        close: () => onnx.close(),
        async predict(values, call) {
          const items = await spec.preprocess(values);
          if (!Array.isArray(items)) throw new Error(`module ${spec.name}: preprocess must return a list of items`);
          const outputs = await runItems(onnx, items, call);
          return outputs.map((output, index) => spec.postprocess(output, values, index));
        },
      };
    },
  };
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
