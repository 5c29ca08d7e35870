import { accessSync, constants, statSync } from 'node:fs';
import { UsageError } from '../errors/catalogue.js';
import { fsErrorWords } from '../artifacts/fs-errors.js';
import { parseOrThrow } from '../config/issues.js';
import { isOnnxFile, isUserModule, type ModuleRequest } from '../config/schema.js';
import { loadUserModule } from './user/load-user-module.js';
import { importModule, moduleNames, taskDefaults, unknownModuleMessage } from './registry-names.js';
import type { ModuleDefinition } from './types.js';

export interface ResolvedModule {
  definition: ModuleDefinition;
  /** The name the user asked for: the module's own, or a task such as `ocr`; both are routes. */
  requestedAs: string;
  initArgs: Record<string, unknown>;
  predictArgs: Record<string, unknown>;
  warnings: string[];
}

/** Checks one requested module against what we have: name or task, version, init_args, predict_args. */
export async function resolveModule(request: ModuleRequest): Promise<ResolvedModule> {
  const definition = await importModule(request.name);
  if (!definition) {
    const tasks = Object.keys(taskDefaults).join(', ');
    throw new UsageError(`${unknownModuleMessage(request.name)}; available modules: ${moduleNames().join(', ')} (tasks: ${tasks}); see \`hub list\``);
  }
  return resolveWith(definition, request);
}

/** Every module the config names, built-in or a user module's folder (ONNX files are models, not modules). */
export async function resolveModules(requests: readonly ModuleRequest[]): Promise<ResolvedModule[]> {
  const resolved: ResolvedModule[] = [];
  for (const request of requests) {
    if (isOnnxFile(request)) continue;
    resolved.push(isUserModule(request) ? resolveWith(await loadUserModule(request.path!), { ...request, name: '' }) : await resolveModule(request));
  }
  return resolved;
}

function resolveWith(definition: ModuleDefinition, request: ModuleRequest): ResolvedModule {
  const { manifest } = definition;
  const warnings = versionWarnings(definition, request.name || manifest.name, request.version);
  const initArgs = parseOrThrow(definition.initSchema, request.initArgs, (line) => new UsageError(line), `modules_info.${manifest.name}.init_args`);
  checkInitPaths(initArgs, (key) => `modules_info.${manifest.name}.init_args.${key}`);
  // predict_args are defaults for requests: checked now against a request that works, so a typo stops the start.
  parseOrThrow(definition.predictSchema, { ...manifest.example, ...request.predictArgs }, (line) => new UsageError(line), `modules_info.${manifest.name}.predict_args`);
  return { definition, requestedAs: request.name || manifest.name, initArgs, predictArgs: request.predictArgs, warnings };
}

/** Name-or-task and version checks shared by every command: warnings to print, or a UsageError. */
export function versionWarnings(definition: ModuleDefinition, requestedAs: string, version: string | undefined): string[] {
  const { manifest } = definition;
  const warnings: string[] = [];
  if (requestedAs !== manifest.name) warnings.push(`"${requestedAs}" is a task: serving its default module ${manifest.name}`);
  if (version !== undefined && version !== manifest.version) {
    if (!manifest.compatibleVersions.includes(version)) {
      throw new UsageError(`module ${manifest.name}: version ${version} is not available; we serve ${manifest.version}, ` +
        `which also stands in for ${manifest.compatibleVersions.join(', ')}`);
    }
    warnings.push(`${manifest.name} ${version} was requested; serving ${manifest.name} ${manifest.version}, which has the same request and result format`);
  }
  return warnings;
}

/** `lac`, `lac==2.2.0` or a task, as `hub show/install/uninstall/run` take it: the module and the warnings to print. */
export async function moduleFromSpec(spec: string): Promise<{ definition: ModuleDefinition; version?: string; warnings: string[] }> {
  const [name = '', version, extra] = spec.split('==');
  if (!name || extra !== undefined || version === '') {
    throw new UsageError(`"${spec}" is not allowed: expected a module name or name==version, e.g. lac or lac==2.2.0`);
  }
  const definition = await importModule(name);
  if (!definition) throw new UsageError(`${unknownModuleMessage(name)}; available modules: ${moduleNames().join(', ')}; see \`hub list\``);
  return { definition, ...(version === undefined ? {} : { version }), warnings: versionWarnings(definition, name, version) };
}

/**
 * Files named in init_args (a user dictionary) must be readable files: checked before anything is installed or
 * said to be loaded, so the one line printed is the cause.
 */
export function checkInitPaths(initArgs: Record<string, unknown>, where: (key: string) => string): void {
  for (const key of ['user_dict']) {
    const path = initArgs[key];
    if (typeof path !== 'string' || !path) continue;
    try {
      if (statSync(path).isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
      accessSync(path, constants.R_OK);
    } catch (error) {
      throw new UsageError(`${where(key)}: ${fsErrorWords(error)}: ${path}`);
    }
  }
}
