import type { ModuleDefinition } from './types.js';
import { lac } from './lac/index.js';

// Every module Hub Serving can serve. Adding a module is adding its folder and one line here.
export const moduleDefinitions: readonly ModuleDefinition[] = [lac];

/** `-m <task>` starts that task's default module. */
export const taskDefaults: Readonly<Record<string, string>> = {
  lexical_analysis: 'lac',
};

export function findModule(nameOrTask: string): ModuleDefinition | undefined {
  const name = taskDefaults[nameOrTask] ?? nameOrTask;
  return moduleDefinitions.find((m) => m.manifest.name === name);
}

export function moduleNames(): string[] {
  return moduleDefinitions.map((m) => m.manifest.name);
}
