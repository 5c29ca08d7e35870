import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadServingConfig, nameFromPath, parseModuleList } from '../../src/config/load.js';

// -m takes module names and ONNX files; the config file takes a `path` per entry.

test('paths among module names: a token ending in .onnx is a file; name=path names it', () => {
  assert.deepEqual(parseModuleList(['lac', './models/My-Net.onnx', 'clf=../c/model.onnx', 'x.onnx'], '/srv/app'), [
    { name: 'lac' },
    { name: 'my_net', path: '/srv/app/models/My-Net.onnx' },
    { name: 'clf', path: '/srv/c/model.onnx' },
    { name: 'x', path: '/srv/app/x.onnx' },
  ]);
  assert.equal(nameFromPath('/m/3d-unet.onnx'), 'm_3d_unet');
  assert.throws(() => parseModuleList(['Lac']), /expected a module name or name==version \(e\.g\. lac or lac==2\.2\.0\), or the path of an ONNX file/);
  // Any other path is a user module's folder (or its module.js); what it holds is checked when it is loaded.
  assert.deepEqual(parseModuleList(['./models/', '../my_clf', '/opt/mods/flowers/module.mjs', 'named=./x'], '/srv/app'), [
    { name: 'models', path: '/srv/app/models' },
    { name: 'my_clf', path: '/srv/my_clf' },
    { name: 'flowers', path: '/opt/mods/flowers/module.mjs' },
    { name: 'named', path: '/srv/app/x' },
  ]);
  assert.throws(() => parseModuleList(['models/']), /is not allowed/, 'a path starts with ./, ../ or /');
  assert.deepEqual(parseModuleList(['senta_bilstm==1.2.1']), [{ name: 'senta_bilstm', version: '1.2.1' }]);
});

test('a config entry with a path, relative to the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paths-'));
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ modules_info: { classifier: { path: 'models/clf.onnx' }, lac: {} } }));
  const { config } = loadServingConfig({ config: join(dir, 'c.json') }, dir, {});
  assert.deepEqual(config.modules.map((m) => [m.name, m.path]), [['classifier', join(dir, 'models', 'clf.onnx')], ['lac', undefined]]);
  const flags = loadServingConfig({ modules: ['net=./n.onnx'] }, dir, {}).config;
  assert.deepEqual(flags.modules.map((m) => [m.name, m.path]), [['net', join(dir, 'n.onnx')]]);
});
