import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { moduleNames } from '../../src/modules/registry-names.js';

// A start imports what it serves and no more: the built-in modules are imported by name when asked for, and a
// module's conversion code (with onnxruntime on the main thread) only when converting. Checked on the compiled
// files a start runs, following the imports that load with a file (not import() calls, which load on demand).

const DIST_SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Files and packages a file loads with it, transitively: relative paths resolved, packages by name. */
function loadedWith(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:')) packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  };
  visit(join(DIST_SRC, entry));
  return { files, packages };
}

test('the import scan follows static imports and re-exports and sees packages', () => {
  const { files, packages } = loadedWith('modules/registry.js');
  assert.ok(files.has(join(DIST_SRC, 'modules/registry-names.js')), 're-export followed');
  assert.ok(packages.has('fastest-levenshtein'), 'a package seen through config/issues.js');
  assert.ok(!files.has(join(DIST_SRC, 'modules/lac/index.js')), 'import() calls are not followed');
});

test('the start-up path loads no built-in module; lac loads no conversion code and no onnxruntime', () => {
  const start = loadedWith('cli/serving-start.js');
  const modules = new Set([...start.files].map((f) => relative(join(DIST_SRC, 'modules'), f).split('/')[0]!).filter((top) => moduleNames().includes(top)));
  assert.deepEqual([...modules], []);
  const lac = loadedWith('modules/lac/index.js');
  const conversion = [...lac.files].filter((f) => /lac-runner|convert\//.test(f)).map((f) => relative(DIST_SRC, f));
  assert.deepEqual(conversion, []);
  assert.ok(!lac.packages.has('onnxruntime-node') && !start.packages.has('onnxruntime-node'), [...lac.packages, ...start.packages].join(', '));
});
