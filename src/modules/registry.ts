import { importModule, moduleNames, taskDefaults } from './registry-names.js';
import type { ModuleDefinition } from './types.js';

export { closestModule, moduleNames, taskDefaults, unknownModuleMessage } from './registry-names.js';

// Every module Hub Serving can serve, imported at once: for the commands that show the whole catalogue
// (hub list, search, the argument tables). Serving and the commands about one module import only that
// module, through registry-names.ts, where the modules are listed.

export const moduleDefinitions: readonly ModuleDefinition[] = await Promise.all(moduleNames().map(async (name) => (await importModule(name))!));

export function findModule(nameOrTask: string): ModuleDefinition | undefined {
  const name = taskDefaults[nameOrTask] ?? nameOrTask;
  return moduleDefinitions.find((m) => m.manifest.name === name);
}
