import { UsageError } from '../errors/catalogue.js';
import { parseOrThrow } from '../config/issues.js';
import type { ModuleRequest } from '../config/schema.js';
import { findModule, moduleNames, taskDefaults } from './registry.js';
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
export function resolveModule(request: ModuleRequest): ResolvedModule {
  const definition = findModule(request.name);
  if (!definition) {
    const tasks = Object.keys(taskDefaults).join(', ');
    throw new UsageError(`module "${request.name}" is not available; available modules: ${moduleNames().join(', ')} (tasks: ${tasks}); see \`hub list\``);
  }
  const { manifest } = definition;
  const warnings: string[] = [];
  if (request.name !== manifest.name) warnings.push(`"${request.name}" is a task: serving its default module ${manifest.name}`);
  if (request.version !== undefined && request.version !== manifest.version) {
    if (!manifest.compatibleVersions.includes(request.version)) {
      throw new UsageError(`module ${manifest.name}: version ${request.version} is not available; we serve ${manifest.version}, ` +
        `which also stands in for ${manifest.compatibleVersions.join(', ')}`);
    }
    warnings.push(`${manifest.name} ${request.version} was requested; serving ${manifest.name} ${manifest.version}, which has the same request and result format`);
  }
  const initArgs = parseOrThrow(definition.initSchema, request.initArgs, (line) => new UsageError(line), `modules_info.${manifest.name}.init_args`);
  // predict_args are defaults for requests: checked now against a request that works, so a typo stops the start.
  parseOrThrow(definition.predictSchema, { ...manifest.example, ...request.predictArgs }, (line) => new UsageError(line), `modules_info.${manifest.name}.predict_args`);
  return { definition, requestedAs: request.name, initArgs, predictArgs: request.predictArgs, warnings };
}
