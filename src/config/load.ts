import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors/catalogue.js';
import { closest, parseOrThrow } from './issues.js';
import { SERVING_OPTIONS, camelOf, envOf, flagOf, fromText, type OptionSpec } from './options.js';
import { MODULE_NAME, servingFileSchema, toServingConfig, type ServingConfig } from './schema.js';

/**
 * The flags of `hub serving start`: the modules, the config file, and each option of the table under the
 * camelCase of its key (bodyLimit), as text or a switch until validated.
 */
export interface StartFlags {
  modules?: string[];
  config?: string;
  [option: string]: string | string[] | boolean | undefined;
}

export interface LoadedConfig {
  config: ServingConfig;
  /** Things the user should know about how flags and file were combined. */
  notices: string[];
}

export interface RequestedModule {
  name: string;
  version?: string;
  /** An ONNX file to serve over /v2 (a token ending in .onnx, or name=path.onnx), or a user module's folder (./dir). */
  path?: string;
}

/** A model name from a file name: lower case, letters, digits and _, starting with a letter. */
export function nameFromPath(path: string): string {
  const stem = (path.replace(/\/+(module\.m?js)?$/i, '').split('/').pop() ?? '').replace(/\.onnx$/i, '').toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return (/^[a-z]/.test(stem) ? stem : `m_${stem}`).slice(0, 64);
}

/** A token that names a path (./x, ../x, /x) rather than a module: a user module's folder where it is not an .onnx file. */
export const isPathToken = (token: string): boolean => /^(\.{1,2}(\/|$)|\/)/.test(token);

/** `lac`, `lac==2.1.0`, `lac,senta_bilstm`, `./model.onnx`, `name=./model.onnx` and space-separated lists. */
export function parseModuleList(tokens: string[], cwd = process.cwd()): RequestedModule[] {
  const parsed: RequestedModule[] = [];
  for (const token of tokens.flatMap((t) => t.split(/[\s,]+/)).filter(Boolean)) {
    // A path: an ONNX file (*.onnx), or a user module's folder or file (./my_module, /abs/dir, name=./dir).
    const named = /^([a-z][a-z0-9_]{0,63})=((?:\.{0,2}\/|[^=]*\.onnx$).*)$/i.exec(token);
    if (named || /\.onnx$/i.test(token) || isPathToken(token)) {
      const path = resolve(cwd, named ? named[2]! : token);
      parsed.push({ name: named ? named[1]! : nameFromPath(path), path });
      continue;
    }
    const [name, version, extra] = token.split('==');
    if (!name || extra !== undefined || version === '' || !MODULE_NAME.test(name)) {
      throw new UsageError(`--modules: "${token}" is not allowed: expected a module name or name==version (e.g. lac or lac==2.2.0), or the path of an ONNX file (./model.onnx, or name=./model.onnx) or of a module folder (./my_module)`);
    }
    parsed.push(version === undefined ? { name } : { name, version });
  }
  return parsed;
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
  for (const info of Object.values(modules as Record<string, { init_args?: Record<string, unknown>; path?: unknown }>)) {
    if (info && typeof info.path === 'string' && info.path && !isAbsolute(info.path)) info.path = resolve(base, info.path);
    const init = info?.init_args;
    if (!init || typeof init !== 'object') continue;
    for (const [key, value] of Object.entries(init)) {
      if (PATH_KEY.test(key) && typeof value === 'string' && value && !isAbsolute(value)) init[key] = resolve(base, value);
    }
  }
}

/** Precedence: a flag, then its environment variable, then the config file, then the default. */
export function loadServingConfig(flags: StartFlags, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const notices: string[] = [];
  const file: Record<string, unknown> = flags.config ? readConfigFile(resolve(cwd, flags.config)) : {};
  if (flags.config) resolvePaths(file, dirname(resolve(cwd, flags.config)));

  const requested = parseModuleList(flags.modules ?? [], cwd);
  if (requested.length === 0 && !flags.config) {
    throw new UsageError('no modules to serve: give -m <module> (e.g. hub serving start -m lac) or -c <config.json>; `hub list` shows the modules');
  }
  if (flags.config && file.modules_info === undefined && requested.length === 0) {
    const typo = Object.keys(file).map((key) => [key, closest(key, ['modules_info'])]).find(([, guess]) => guess);
    if (typo) throw new UsageError(`--config: ${flags.config}: unknown key "${typo[0]}"; did you mean "modules_info"?`);
    throw new UsageError(`--config: ${flags.config} has no "modules_info": add {"modules_info": {"lac": {}}} or give -m`);
  }
  if (requested.length > 0) {
    const fromFile = (file.modules_info ?? {}) as Record<string, Record<string, unknown>>;
    if (flags.config && file.modules_info !== undefined) notices.push('-m given beside -c: serving the modules of -m, with their entries (init_args, predict_args, scheduling) from the file where it has them');
    const modules: Record<string, unknown> = {};
    for (const { name, version, path } of requested) {
      const info = { ...(fromFile[name] ?? {}) } as { init_args?: Record<string, unknown>; path?: string };
      if (version !== undefined) info.init_args = { ...(info.init_args ?? {}), version };
      if (path !== undefined) info.path = path;
      modules[name] = info;
    }
    file.modules_info = modules;
  }

  const sources = new Map<string, string>();
  for (const option of SERVING_OPTIONS as readonly OptionSpec[]) {
    const flag = flags[camelOf(option)];
    const variable = env[envOf(option)];
    let value: unknown;
    if (flag !== undefined && !Array.isArray(flag)) {
      value = fromText(option, flag);
      sources.set(option.key, `flag ${flagOf(option)}`);
    } else if (variable !== undefined && variable !== '') {
      value = fromText(option, variable);
      sources.set(option.key, envOf(option));
    } else {
      continue;
    }
    if (flags.config && option.key in file && file[option.key] !== value) {
      // A secret (api_key) is never printed: the start lines go to terminals and container logs.
      notices.push(option.secret
        ? `${sources.get(option.key)} for "${option.key}" overrides the config file (values not shown)`
        : `${sources.get(option.key)} for "${option.key}" overrides the config file (${JSON.stringify(file[option.key])} -> ${JSON.stringify(value)})`);
    }
    file[option.key] = value;
  }

  // A mistake in a variable names the variable: nothing on the command line shows where the value came from.
  // Folders named in a config file are relative to it, as its other paths are; those of a flag, to the cwd.
  const folders = file.model_repository;
  const folderBase = sources.has('model_repository') || !flags.config ? cwd : dirname(resolve(cwd, flags.config));
  if (typeof folders === 'string') file.model_repository = folders.split(',').map((f) => f.trim()).filter(Boolean).map((f) => resolve(folderBase, f));
  else if (Array.isArray(folders)) file.model_repository = folders.map((f) => (typeof f === 'string' ? resolve(folderBase, f) : f));

  const parsed = parseOrThrow(servingFileSchema, file, (line) => {
    const source = sources.get(line.slice(0, line.indexOf(':')));
    return new UsageError(source?.startsWith('HUB_') ? `${line} (from ${source})` : line);
  });
  return { config: toServingConfig(parsed), notices };
}
