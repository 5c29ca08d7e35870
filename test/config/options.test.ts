import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadServingConfig } from '../../src/config/load.js';
import { SERVING_OPTIONS, envOf, fromText, optionsMarkdown, type OptionSpec } from '../../src/config/options.js';
import { servingFileSchema } from '../../src/config/schema.js';
import { argumentTablesMarkdown } from '../../src/modules/argument-tables.js';
import { UsageError } from '../../src/errors/catalogue.js';
import { runHub } from '../helpers/cli.js';

// The option table is the one declaration of every serving option: these tests fail when the README, the
// CLI's flags, the config file's keys or the environment drift from it.

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

test("the README's flag table is the one the option table makes (npm run readme:options writes it)", () => {
  const readme = readFileSync(README, 'utf8');
  const section = /<!-- options:[^\n]*-->\n([\s\S]*?)\n<!-- \/options -->/.exec(readme);
  assert.ok(section, 'the README has the option markers');
  assert.equal(section![1], optionsMarkdown());
});

test("the README's argument tables are the ones every module declares (npm run readme:options writes them)", () => {
  const readme = readFileSync(README, 'utf8');
  const section = /<!-- arguments:[^\n]*-->\n([\s\S]*?)\n<!-- \/arguments -->/.exec(readme);
  assert.ok(section, 'the README has the argument markers');
  assert.equal(section![1], argumentTablesMarkdown());
});

test('every option is a flag of hub serving start, with its variable in the help', () => {
  const help = runHub(['serving', 'start', '--help']).stdout.replace(/\s+/g, ' ');
  for (const option of SERVING_OPTIONS as readonly OptionSpec[]) {
    assert.ok(help.includes(`--${option.key}`), `--${option.key} in the help`);
    assert.ok(help.includes(envOf(option)), `${envOf(option)} in the help`);
  }
});

test('every option is a key of the config file', () => {
  const keys = Object.keys(servingFileSchema.shape);
  for (const option of SERVING_OPTIONS) assert.ok(keys.includes(option.key), option.key);
});

test('a variable sets an option; a flag wins over it; it wins over the file, and start says so', () => {
  assert.equal(loadServingConfig({ modules: ['lac'] }, process.cwd(), { HUB_PORT: '9001' }).config.port, 9001);
  assert.equal(loadServingConfig({ modules: ['lac'], port: '9002' }, process.cwd(), { HUB_PORT: '9001' }).config.port, 9002);
  const dir = mkdtempSync(join(tmpdir(), 'options-'));
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ modules_info: { lac: {} }, timeout: 5 }));
  const { config, notices } = loadServingConfig({ config: join(dir, 'c.json') }, dir, { HUB_TIMEOUT: '7.5', HUB_USE_MULTIPROCESS: 'yes', HUB_MAX_BATCH_SIZE: '8' });
  assert.equal(config.timeoutSeconds, 7.5);
  assert.equal(config.useMultiprocess, true);
  assert.equal(config.schedule.maxBatchSize, 8);
  assert.deepEqual(notices, ['HUB_TIMEOUT for "timeout" overrides the config file (5 -> 7.5)']);
  assert.equal(loadServingConfig({ modules: ['lac'] }, dir, { HUB_PORT: '' }).config.port, 8866, 'an empty variable is unset');
});

test('a bad value in a variable names the variable', () => {
  assert.throws(() => loadServingConfig({ modules: ['lac'] }, process.cwd(), { HUB_MAX_QUEUE_SIZE: 'lots' }),
    (e: unknown) => e instanceof UsageError && e.message === 'max_queue_size: "lots" is not allowed: expected an integer from 1 to 1000000 (from HUB_MAX_QUEUE_SIZE)');
  assert.throws(() => loadServingConfig({ modules: ['lac'] }, process.cwd(), { HUB_USE_GPU: 'maybe' }),
    (e: unknown) => e instanceof UsageError && /^use_gpu: "maybe" is not allowed: expected true or false \(from HUB_USE_GPU\)$/.test(e.message));
});

test('text to values: numbers that parse, switches in words', () => {
  const port = SERVING_OPTIONS.find((o) => o.key === 'port')! as OptionSpec;
  const gpu = SERVING_OPTIONS.find((o) => o.key === 'use_gpu')! as OptionSpec;
  assert.equal(fromText(port, ' 80 '), 80);
  assert.equal(fromText(port, 'x'), 'x');
  assert.equal(fromText(gpu, 'ON'), true);
  assert.equal(fromText(gpu, '0'), false);
  assert.equal(fromText(gpu, true), true);
});
