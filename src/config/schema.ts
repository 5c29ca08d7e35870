import { dirname } from 'node:path';
import { z } from 'zod';
import type { ImageLimits } from '../media/image-limits.js';
import { processCores } from '../process/cpu-quota.js';
import { optionShape } from './options.js';
import { scheduleValues, type ScheduleOverrides, type ScheduleValues } from './schedule.js';

// The ONE schema of a serving configuration: modules_info plus the option table's rules (options.ts). It is
// written in the keys of PaddleHub's config.json (snake_case); flags and environment variables are mapped onto
// the same keys before validation, so a flag, a variable and a file key are checked by one rule, in one wording.

export const MODULE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
export { DEFAULT_BODY_LIMIT, DEFAULT_PORT } from './options.js';
export type { ScheduleOverrides } from './schedule.js';

const args = z.record(z.string(), z.unknown(), { error: 'expected an object of argument names to values' });

export const moduleInfoSchema = z.strictObject({
  init_args: args.default({}),
  predict_args: args.default({}),
  /** An ONNX file served over /v2 under this entry's name, instead of a built-in module. */
  path: z.string({ error: 'expected the path of an ONNX file or of a module folder' }).min(1).optional(),
  // The module's own scheduling, over the server-wide options: checked by the same rules, so in the same words.
  max_batch_size: optionShape.max_batch_size,
  max_elements: optionShape.max_elements,
  max_queue_delay: optionShape.max_queue_delay,
  max_queue_size: optionShape.max_queue_size,
});

export const servingFileSchema = z.strictObject({
  modules_info: z.record(
    z.string().regex(MODULE_NAME, { error: 'module names are lower-case letters, digits and _' }),
    moduleInfoSchema,
    { error: (issue) => (issue.code === 'invalid_key' ? undefined : 'expected an object: {"<module>": {"init_args": {...}, "predict_args": {...}}}') },
  ),
  ...optionShape,
});

export type ServingFile = z.input<typeof servingFileSchema>;
type ParsedFile = z.output<typeof servingFileSchema>;

export interface ModuleRequest {
  name: string;
  /** The version asked for (name==version or init_args.version), if any. */
  version?: string;
  /** An ONNX file (named *.onnx) to serve over /v2, or a user module's folder or file, instead of a built-in. */
  path?: string;
  initArgs: Record<string, unknown>;
  predictArgs: Record<string, unknown>;
}

/** A bare model for /v2: a path named *.onnx. */
export const isOnnxFile = (m: Pick<ModuleRequest, 'path'>): boolean => m.path !== undefined && /\.onnx$/i.test(m.path);
/** A user module: any other path (a folder, or its module.js). */
export const isUserModule = (m: Pick<ModuleRequest, 'path'>): boolean => m.path !== undefined && !isOnnxFile(m);

export interface ServingConfig {
  modules: ModuleRequest[];
  port: number;
  host: string;
  /** The probes' own port, answered from a thread of its own; 0 or absent: none. */
  healthPort?: number;
  useGpu: boolean;
  gpus: number[];
  useMultiprocess: boolean;
  /** Processes sharing the port (1 unless use_multiprocess). */
  processes: number;
  /** Inference threads per process. */
  threads: number;
  /** ONNX Runtime's intra-op threads per session, in each inference thread. */
  intraOpThreads: number;
  timeoutSeconds: number;
  bodyLimit: number;
  /** Inference tasks that may wait per thread before requests get 503. */
  queuePerThread: number;
  /** How large an image a request may carry. */
  imageLimits: ImageLimits;
  /** The server-wide values over every model's scheduling defaults, and each module's own over those (schedule.ts). */
  schedule: ScheduleOverrides;
  /** The repository extension of /v2: whether it is on, and the folders it may load from. */
  modelControl: { enabled: boolean; folders: string[] };
  /** One log line per request (errors are logged either way). */
  accessLog: boolean;
  /** API keys; empty: no key is required. */
  apiKeys: string[];
  /** Names the Host header may carry; undefined: the defaults (loopback, listening addresses, hostname). */
  allowedHosts?: string[];
  /** Web origins allowed by CORS; empty: CORS off. */
  corsOrigins: string[];
}

function parseGpus(value: ParsedFile['gpu']): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value;
  return value.split(',').map((part) => Number(part.trim()));
}

/**
 * Defaults that fit the machine: processes x threads x intra-op threads never exceeds the cores (the cgroup CPU
 * quota's, if set), unless there are more processes than cores.
 */
export function defaultParallelism(useMultiprocess: boolean, workers: number | undefined, cores = processCores().cores, intraOpThreads = 1) {
  const processes = useMultiprocess ? (workers ?? cores) : 1;
  const threads = Math.max(1, Math.floor(cores / (processes * intraOpThreads)));
  return { processes, threads };
}

/** Each module's own scheduling values by its modules_info key; modules that set none are left out. */
function moduleSchedules(modules: ParsedFile['modules_info']): Record<string, ScheduleValues> {
  const own = Object.entries(modules).map(([name, info]) => [name, scheduleValues(info)] as const);
  return Object.fromEntries(own.filter(([, values]) => Object.keys(values).length > 0));
}

export function toServingConfig(file: ParsedFile): ServingConfig {
  const modules = Object.entries(file.modules_info).map(([name, info]): ModuleRequest => {
    const version = info.init_args.version;
    return {
      name,
      version: version === undefined ? undefined : String(version),
      ...(info.path === undefined ? {} : { path: info.path }),
      initArgs: info.init_args,
      predictArgs: info.predict_args,
    };
  });
  const { processes, threads } = defaultParallelism(file.use_multiprocess, file.workers, undefined, file.intra_op_threads);
  return {
    modules,
    port: file.port,
    healthPort: file.health_port,
    host: file.host,
    useGpu: file.use_gpu,
    gpus: parseGpus(file.gpu),
    useMultiprocess: file.use_multiprocess,
    processes,
    threads: file.threads ?? threads,
    intraOpThreads: file.intra_op_threads,
    timeoutSeconds: file.timeout,
    bodyLimit: file.body_limit,
    queuePerThread: file.queue_per_thread,
    imageLimits: { maxPixels: file.image_max_pixels, maxSide: file.image_max_side, maxBytes: file.image_max_bytes },
    modelControl: {
      enabled: file.enable_model_control,
      folders: file.model_repository ?? [...new Set(modules.flatMap((m) => (m.path ? [dirname(m.path)] : [])))],
    },
    schedule: { ...scheduleValues(file), modules: moduleSchedules(file.modules_info) },
    accessLog: file.access_log,
    apiKeys: file.api_key ?? [],
    allowedHosts: file.allowed_hosts,
    corsOrigins: file.cors_origins ?? [],
  };
}
