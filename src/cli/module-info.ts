import { UsageError } from '../errors/catalogue.js';
import { findModule, moduleDefinitions, moduleNames, taskDefaults } from '../modules/registry.js';
import { resolveModule } from '../modules/resolve.js';
import { ensureInstalled } from './install-modules.js';
import { say } from './output.js';

export async function listModules(): Promise<void> {
  const rows = await Promise.all(moduleDefinitions.map(async (d) => {
    let state: string;
    try {
      state = (await d.installed({})) ? 'installed' : d.missingWeights ? 'not installed (weights must be supplied: hub show ' + d.manifest.name + ')' : 'not installed';
    } catch (error) {
      state = `not installed (${(error as Error).message})`;
    }
    return [d.manifest.name, d.manifest.version, d.manifest.task, state, d.manifest.summary];
  }));
  const header = ['module', 'version', 'task', 'weights', 'summary'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) say(row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  '));
  say(`\ntasks: ${Object.entries(taskDefaults).map(([task, name]) => `${task} -> ${name}`).join(', ')}`);
}

function definitionOf(name: string) {
  const definition = findModule(name);
  if (!definition) throw new UsageError(`module "${name}" is not available; available modules: ${moduleNames().join(', ')}`);
  return definition;
}

export async function showModule(name: string): Promise<void> {
  const d = definitionOf(name);
  const m = d.manifest;
  say(`${m.name} ${m.version} (${m.task})`);
  say(`  ${m.summary}`);
  const others = m.compatibleVersions.filter((v) => v !== m.version);
  if (others.length) say(`  also answers for versions: ${others.join(', ')}`);
  say(`  weights: ${m.weights}`);
  const installed = await d.installed({}).catch(() => undefined);
  const missing = d.missingWeights?.() ?? `no: \`hub install ${m.name}\`, or the first start installs it`;
  say(`  installed: ${installed ? `yes, from ${installed.source} (${installed.directory})` : missing}`);
  say(`  request: POST /predict/${m.name} ${m.input}`);
  say(`  result: ${m.output}`);
  say('  arguments:');
  for (const arg of d.describeArgs()) {
    const value = arg.required ? '(required)' : arg.default === undefined ? 'default none' : `default ${JSON.stringify(arg.default)}`;
    say(`    ${arg.name}  ${arg.type}  ${value}  ${arg.help}`);
  }
  say(`  example: curl -H 'Content-Type: application/json' -d '${JSON.stringify(m.example)}' http://127.0.0.1:8866/predict/${m.name}`);
}

export async function installModules(names: string[], options: { force?: boolean }): Promise<void> {
  for (const name of names) {
    const resolved = resolveModule({ name, initArgs: {}, predictArgs: {} });
    const result = await ensureInstalled(resolved, options.force);
    say(`${resolved.definition.manifest.name}: ${result.fresh ? 'installed' : 'already installed'} from ${result.source} in ${result.directory}`);
  }
}
