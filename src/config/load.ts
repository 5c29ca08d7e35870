import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors/catalogue.js';
import { parseOrThrow } from './issues.js';
import { MODULE_NAME, servingFileSchema, toServingConfig, type ServingConfig, type ServingFile } from './schema.js';

/** The flags of `hub serving start`, as commander hands them over (strings until validated). */
export interface StartFlags {
  modules?: string[];
  port?: string;
  host?: string;
  useMultiprocess?: boolean;
  workers?: string;
  useGpu?: boolean;
  gpu?: string;
  config?: string;
  timeout?: string;
  bodyLimit?: string;
  threads?: string;
}

export interface LoadedConfig {
  config: ServingConfig;
  /** Things the user should know about how flags and file were combined. */
  notices: string[];
}

/** `lac`, `lac==2.1.0`, `lac,senta_bilstm` and space-separated lists all name modules. */
export function parseModuleList(tokens: string[]): { name: string; version?: string }[] {
  const parsed: { name: string; version?: string }[] = [];
  for (const token of tokens.flatMap((t) => t.split(/[\s,]+/)).filter(Boolean)) {
    const [name, version, extra] = token.split('==');
    if (!name || extra !== undefined || version === '' || !MODULE_NAME.test(name)) {
      throw new UsageError(`--modules: "${token}" is not allowed: expected a module name or name==version, e.g. lac or lac==2.2.0`);
    }
    parsed.push(version === undefined ? { name } : { name, version });
  }
  return parsed;
}

// Numbers arrive from the command line as text; keep non-numbers as text so the schema names them.
function numeric(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : value;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--config: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config: ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`--config: ${path} must hold a JSON object with "modules_info"`);
  }
  return data as Record<string, unknown>;
}

// Paths in init_args of a config file are relative to the file, so the file works from any directory.
// Path arguments are named so: user_dict, directory, model_path, label_file, output_dir.
const PATH_KEY = /^(user_dict|directory)$|_(path|file|dir)$/;

function resolvePaths(file: Record<string, unknown>, base: string): void {
  const modules = file.modules_info;
  if (!modules || typeof modules !== 'object') return;
  for (const info of Object.values(modules as Record<string, { init_args?: Record<string, unknown> }>)) {
    const init = info?.init_args;
    if (!init || typeof init !== 'object') continue;
    for (const [key, value] of Object.entries(init)) {
      if (PATH_KEY.test(key) && typeof value === 'string' && value && !isAbsolute(value)) init[key] = resolve(base, value);
    }
  }
}

export function loadServingConfig(flags: StartFlags, cwd = process.cwd()): LoadedConfig {
  const notices: string[] = [];
  const file: Record<string, unknown> = flags.config ? readConfigFile(resolve(cwd, flags.config)) : {};
  if (flags.config) resolvePaths(file, dirname(resolve(cwd, flags.config)));

  const requested = parseModuleList(flags.modules ?? []);
  if (requested.length === 0 && !flags.config) {
    throw new UsageError('no modules to serve: give -m <module> (e.g. hub serving start -m lac) or -c <config.json>; `hub list` shows the modules');
  }
  if (flags.config && file.modules_info === undefined && requested.length === 0) {
    throw new UsageError(`--config: ${flags.config} has no "modules_info": add {"modules_info": {"lac": {}}} or give -m`);
  }
  if (requested.length > 0) {
    const fromFile = (file.modules_info ?? {}) as Record<string, Record<string, unknown>>;
    if (flags.config && file.modules_info !== undefined) notices.push('-m given beside -c: serving the modules of -m, with their init_args/predict_args from the file where it has them');
    const modules: Record<string, unknown> = {};
    for (const { name, version } of requested) {
      const info = { ...(fromFile[name] ?? {}) } as { init_args?: Record<string, unknown> };
      if (version !== undefined) info.init_args = { ...(info.init_args ?? {}), version };
      modules[name] = info;
    }
    file.modules_info = modules;
  }

  const overrides: Partial<Record<keyof ServingFile, unknown>> = {
    port: numeric(flags.port),
    host: flags.host,
    use_multiprocess: flags.useMultiprocess,
    workers: numeric(flags.workers),
    use_gpu: flags.useGpu,
    gpu: flags.gpu,
    timeout: numeric(flags.timeout),
    body_limit: numeric(flags.bodyLimit),
    threads: numeric(flags.threads),
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (flags.config && key in file && file[key] !== value) notices.push(`flag for "${key}" overrides the config file (${JSON.stringify(file[key])} -> ${JSON.stringify(value)})`);
    file[key] = value;
  }

  const parsed = parseOrThrow(servingFileSchema, file, (line) => new UsageError(line));
  return { config: toServingConfig(parsed), notices };
}
