import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The command line sits on top: serving, scheduling and modules never import it, so a serving process of a
// cluster starts without the CLI (and its hooks on stdout), and the CLI can change without touching them.

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const BELOW_THE_CLI = ['process', 'server', 'scheduler', 'modules'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative specifiers of static imports, re-exports and import() calls with a literal. */
function importSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) found.push(match[1]!);
  return found;
}

test('the specifier scan sees static, side-effect, re-export and dynamic imports', () => {
  const text = "import { a } from '../cli/a.js';\nimport '../cli/b.js';\nexport * from \"../cli/c.js\";\nconst d = await import('../cli/d.js');\nimport x from 'pkg';";
  assert.deepEqual(importSpecifiers(text), ['../cli/a.js', '../cli/b.js', '../cli/c.js', '../cli/d.js']);
});

test('nothing under src/process, src/server, src/scheduler or src/modules imports src/cli', () => {
  const cli = join(SRC, 'cli');
  const offending: string[] = [];
  let scanned = 0;
  for (const area of BELOW_THE_CLI) {
    for (const file of sources(join(SRC, area))) {
      scanned++;
      for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
        const target = resolve(dirname(file), specifier);
        if (!relative(cli, target).startsWith('..')) offending.push(`${relative(SRC, file)} imports ${specifier}`);
      }
    }
  }
  assert.ok(scanned > 50, `scanned ${scanned} files`);
  assert.deepEqual(offending, []);
});
