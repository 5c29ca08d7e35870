import { availableParallelism } from 'node:os';
import { z } from 'zod';

// The ONE schema of a serving configuration. It is written in the keys of PaddleHub's config.json
// (snake_case), and CLI flags are mapped onto the same keys before validation, so a flag and a file key
// are checked by the same rule and reported in the same words.

export const MODULE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
export const DEFAULT_PORT = 8866;
export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

const integer = (min: number, max: number) =>
  z.number({ error: `expected an integer from ${min} to ${max}` })
    .int({ error: `expected an integer from ${min} to ${max}` })
    .min(min, { error: `expected an integer from ${min} to ${max}` })
    .max(max, { error: `expected an integer from ${min} to ${max}` });

const args = z.record(z.string(), z.unknown(), { error: 'expected an object of argument names to values' });

export const moduleInfoSchema = z.strictObject({
  init_args: args.default({}),
  predict_args: args.default({}),
});

const gpuList = z.union([
  z.string().regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, { error: 'expected GPU ids like "0" or "0,1,2"' }),
  z.array(integer(0, 63)),
  integer(0, 63),
], { error: 'expected GPU ids like "0" or "0,1,2"' });

export const servingFileSchema = z.strictObject({
  modules_info: z.record(
    z.string().regex(MODULE_NAME, { error: 'module names are lower-case letters, digits and _' }),
    moduleInfoSchema,
    { error: (issue) => (issue.code === 'invalid_key' ? undefined : 'expected an object: {"<module>": {"init_args": {...}, "predict_args": {...}}}') },
  ),
  port: integer(1, 65535).default(DEFAULT_PORT),
  host: z.string({ error: 'expected a host name or IP address' }).min(1).default('0.0.0.0'),
  use_gpu: z.boolean({ error: 'expected true or false' }).default(false),
  use_multiprocess: z.boolean({ error: 'expected true or false' }).default(false),
  workers: integer(1, 256).optional(),
  gpu: gpuList.default('0'),
  timeout: z.number({ error: 'expected seconds, a number from 0.001 to 86400' })
    .positive({ error: 'expected seconds, a number from 0.001 to 86400' })
    .max(86400, { error: 'expected seconds, a number from 0.001 to 86400' })
    .default(60),
  body_limit: integer(1024, 1024 * 1024 * 1024).default(DEFAULT_BODY_LIMIT),
  threads: integer(1, 256).optional(),
});

export type ServingFile = z.input<typeof servingFileSchema>;
type ParsedFile = z.output<typeof servingFileSchema>;

export interface ModuleRequest {
  name: string;
  /** The version asked for (name==version or init_args.version), if any. */
  version?: string;
  initArgs: Record<string, unknown>;
  predictArgs: Record<string, unknown>;
}

export interface ServingConfig {
  modules: ModuleRequest[];
  port: number;
  host: string;
  useGpu: boolean;
  gpus: number[];
  useMultiprocess: boolean;
  /** Processes sharing the port (1 unless use_multiprocess). */
  processes: number;
  /** Inference threads per process. */
  threads: number;
  timeoutSeconds: number;
  bodyLimit: number;
}

function parseGpus(value: ParsedFile['gpu']): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value;
  return value.split(',').map((part) => Number(part.trim()));
}

/** Defaults that fit the machine: processes x threads never exceeds the cores. */
export function defaultParallelism(useMultiprocess: boolean, workers: number | undefined, cores = availableParallelism()) {
  const processes = useMultiprocess ? (workers ?? cores) : 1;
  const threads = Math.max(1, Math.floor(cores / processes));
  return { processes, threads };
}

export function toServingConfig(file: ParsedFile): ServingConfig {
  const modules = Object.entries(file.modules_info).map(([name, info]): ModuleRequest => {
    const version = info.init_args.version;
    return {
      name,
      version: version === undefined ? undefined : String(version),
      initArgs: info.init_args,
      predictArgs: info.predict_args,
    };
  });
  const { processes, threads } = defaultParallelism(file.use_multiprocess, file.workers);
  return {
    modules,
    port: file.port,
    host: file.host,
    useGpu: file.use_gpu,
    gpus: parseGpus(file.gpu),
    useMultiprocess: file.use_multiprocess,
    processes,
    threads: file.threads ?? threads,
    timeoutSeconds: file.timeout,
    bodyLimit: file.body_limit,
  };
}
