import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENT, environmentMarkdown, knownVariables } from '../../src/config/environment.js';

// Every HUB_ variable the sources read or name is said in the README: the options' in the flag table, the
// others in the environment table. A variable added anywhere under src/ fails here until it is listed.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/**
 * HUB_ names a source reads or names: process.env.HUB_X, and HUB_X in strings (modules keep their variables'
 * names in constants). Names the file declares as its own constants (const HUB_BIN = ...) are not variables.
 */
function variablesIn(text: string): Set<string> {
  const declared = new Set([...text.matchAll(/\b(?:const|let|var|function|class)\s+(HUB_[A-Z0-9_]+)/g)].map((m) => m[1]!));
  return new Set([...text.matchAll(/(?<![A-Za-z0-9_$])HUB_[A-Z0-9_]+/g)].map((m) => m[0]).filter((name) => !declared.has(name)));
}

test('the scan finds variables read directly, named in constants and in messages, and skips own constants', () => {
  const text = "const a = process.env.HUB_ONE;\nexport const TWO_ENV = 'HUB_TWO';\nthrow new Error(`set HUB_THREE`);\nconst HUB_BIN = 'x'; run(HUB_BIN);";
  assert.deepEqual([...variablesIn(text)].sort(), ['HUB_ONE', 'HUB_THREE', 'HUB_TWO']);
});

test('every HUB_ variable under src/ is an option or in the environment table', () => {
  const known = knownVariables();
  const unlisted: string[] = [];
  for (const file of sources(SRC)) {
    for (const name of variablesIn(readFileSync(file, 'utf8'))) {
      if (!known.has(name)) unlisted.push(`${name} (${relative(ROOT, file)})`);
    }
  }
  assert.deepEqual(unlisted, [], 'add them to src/config/environment.ts (or make them options) and run npm run readme:options');
});

test('every variable of the table is read somewhere under src/', () => {
  const table = new URL('../../../src/config/environment.ts', import.meta.url).pathname;
  const named = new Set(sources(SRC).filter((f) => f !== table).flatMap((f) => [...variablesIn(readFileSync(f, 'utf8'))]));
  assert.deepEqual(ENVIRONMENT.map((v) => v.name).filter((name) => !named.has(name)), []);
});

test("the README's environment table is the one the list makes (npm run readme:options writes it)", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /<!-- environment:[^\n]*-->\n([\s\S]*?)\n<!-- \/environment -->/.exec(readme);
  assert.ok(section, 'the README has the environment markers');
  assert.equal(section![1], environmentMarkdown());
});
