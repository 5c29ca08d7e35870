import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findModule, moduleDefinitions } from '../../src/modules/registry.js';
import { importModule, moduleNames, taskDefaults } from '../../src/modules/registry-names.js';

// A built-in module is imported by its name alone (registry-names.ts), and the whole catalogue (registry.ts) is
// those same definitions: one list of modules, whichever way it is read.

test('each name imports the module of that name; the catalogue holds the same definitions in the same order', async () => {
  const imported = await Promise.all(moduleNames().map(importModule));
  assert.deepEqual(imported.map((d) => d?.manifest.name), moduleNames());
  assert.equal(moduleDefinitions.length, imported.length);
  moduleDefinitions.forEach((d, i) => assert.equal(d, imported[i], d.manifest.name));
});

test('a task imports its default module; other words import nothing', async () => {
  for (const [task, name] of Object.entries(taskDefaults)) {
    assert.equal((await importModule(task))?.manifest.name, name);
    assert.equal(await importModule(task), findModule(task));
  }
  for (const word of ['lax', '', 'constructor', '__proto__', 'toString']) assert.equal(await importModule(word), undefined, word);
});
