import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadServingConfig, parseModuleList } from '../../src/config/load.js';
import { defaultParallelism } from '../../src/config/schema.js';
import { layoutLine } from '../../src/process/start-lines.js';
import { UsageError } from '../../src/errors/catalogue.js';

const dir = mkdtempSync(join(tmpdir(), 'hub-config-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const usage = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof UsageError && message.test(e.message));

describe('module lists', () => {
  test('names, versions, spaces and commas', () => {
    assert.deepEqual(parseModuleList(['lac', 'senta_bilstm==1.2.1,ocr']), [{ name: 'lac' }, { name: 'senta_bilstm', version: '1.2.1' }, { name: 'ocr' }]);
    assert.deepEqual(parseModuleList(['lac chinese_ocr_db_crnn_mobile']), [{ name: 'lac' }, { name: 'chinese_ocr_db_crnn_mobile' }]);
  });
  test('malformed entries are one-line errors', () => {
    usage(() => parseModuleList(['lac==']), /--modules: "lac==" is not allowed/);
    usage(() => parseModuleList(['et/c']), /--modules: "et\/c" is not allowed/);
    usage(() => parseModuleList(['a==1==2']), /not allowed/);
  });
});

describe('flags', () => {
  test('defaults', () => {
    const { config } = loadServingConfig({ modules: ['lac'] });
    assert.equal(config.port, 8866);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.useMultiprocess, false);
    assert.equal(config.processes, 1);
    assert.equal(config.timeoutSeconds, 60);
    assert.deepEqual(config.modules, [{ name: 'lac', version: undefined, initArgs: {}, predictArgs: {} }]);
  });
  test('values are checked by the same schema as the file', () => {
    usage(() => loadServingConfig({ modules: ['lac'], port: '70000' }), /^port: 70000 is not allowed: expected an integer from 1 to 65535$/);
    usage(() => loadServingConfig({ modules: ['lac'], port: 'abc' }), /^port: "abc" is not allowed/);
    usage(() => loadServingConfig({ modules: ['lac'], workers: '0', useMultiprocess: true }), /^workers: 0 is not allowed/);
    usage(() => loadServingConfig({ modules: ['lac'], timeout: '-1' }), /^timeout: -1 is not allowed/);
    usage(() => loadServingConfig({ modules: ['lac'], gpu: 'a,b' }), /^gpu: "a,b" is not allowed/);
  });
  test('no modules and no config says what to do', () => {
    usage(() => loadServingConfig({}), /no modules to serve: give -m <module>.* or -c <config\.json>/);
  });
  test('a version on the command line goes to init_args', () => {
    const { config } = loadServingConfig({ modules: ['lac==2.1.0'] });
    assert.equal(config.modules[0]!.version, '2.1.0');
    assert.deepEqual(config.modules[0]!.initArgs, { version: '2.1.0' });
  });
  test('multiprocess defaults fit the cores', () => {
    assert.deepEqual(defaultParallelism(false, undefined, 2), { processes: 1, threads: 2 });
    assert.deepEqual(defaultParallelism(true, undefined, 4), { processes: 4, threads: 1 });
    assert.deepEqual(defaultParallelism(true, 2, 8), { processes: 2, threads: 4 });
    assert.deepEqual(defaultParallelism(true, 16, 2), { processes: 16, threads: 1 });
  });
  test('intra-op threads count against the cores: fewer inference threads by default, and the layout says so', () => {
    assert.deepEqual(defaultParallelism(false, undefined, 8, 2), { processes: 1, threads: 4 });
    assert.deepEqual(defaultParallelism(true, 2, 8, 4), { processes: 2, threads: 1 });
    assert.deepEqual(defaultParallelism(false, undefined, 2, 4), { processes: 1, threads: 1 });
    const { config } = loadServingConfig({ modules: ['lac'], intraOpThreads: '2', threads: '3' });
    assert.equal(config.intraOpThreads, 2);
    assert.equal(config.threads, 3, 'a thread count given wins over the default');
    assert.match(layoutLine(config, [{ kind: 'cpu' }, { kind: 'cpu' }, { kind: 'cpu' }]), /^1 process x 3 inference threads \(cpu, cpu, cpu\) x 2 intra-op threads on /);
    assert.equal(loadServingConfig({ modules: ['lac'] }).config.intraOpThreads, 1);
    assert.throws(() => loadServingConfig({ modules: ['lac'], intraOpThreads: '0' }), UsageError);
  });
});

describe('config file', () => {
  const seed = {
    modules_info: { lac: { init_args: { version: '1.1.0', user_dict: './dict.txt' }, predict_args: { batch_size: 1, use_gpu: false } } },
    port: 8866, use_gpu: false, use_multiprocess: false, workers: 2, gpu: '0,1,2',
  };

  test("the seed's config file", () => {
    const { config, notices } = loadServingConfig({ config: file('seed.json', seed) });
    assert.deepEqual(notices, []);
    assert.equal(config.modules[0]!.name, 'lac');
    assert.equal(config.modules[0]!.version, '1.1.0');
    assert.equal(config.modules[0]!.initArgs.user_dict, join(dir, 'dict.txt'), 'paths are relative to the file');
    assert.deepEqual(config.modules[0]!.predictArgs, { batch_size: 1, use_gpu: false });
    assert.deepEqual(config.gpus, [0, 1, 2]);
  });
  test('flags beside -c override the file, and say so', () => {
    const { config, notices } = loadServingConfig({ config: file('seed2.json', seed), port: '9000' });
    assert.equal(config.port, 9000);
    assert.match(notices.join('\n'), /"port" overrides the config file \(8866 -> 9000\)/);
  });
  test('mistakes name the key, the value and what is allowed', () => {
    usage(() => loadServingConfig({ config: file('bad-port.json', { ...seed, port: 'x' }) }), /^port: "x" is not allowed: expected an integer/);
    usage(() => loadServingConfig({ config: file('unknown.json', { ...seed, prot: 1 }) }), /unknown key "prot"; accepted keys: modules_info, port, host/);
    usage(() => loadServingConfig({ config: file('nested.json', { modules_info: { lac: { init: {} } } }) }), /^modules_info\.lac: unknown key "init"; did you mean "init_args"\? accepted keys: init_args, predict_args/);
    usage(() => loadServingConfig({ config: file('no-modules.json', { port: 8866 }) }), /has no "modules_info"/);
    usage(() => loadServingConfig({ config: file('not-json.json', '{"port": ') }), /is not valid JSON/);
    usage(() => loadServingConfig({ config: join(dir, 'missing.json') }), /cannot read .*missing\.json \(no such file\)/);
    usage(() => loadServingConfig({ config: file('bad-name.json', { modules_info: { 'Bad/Name': {} } }) }), /^modules_info: key "Bad\/Name" is not allowed: module names are lower-case letters, digits and _$/);
  });
});
