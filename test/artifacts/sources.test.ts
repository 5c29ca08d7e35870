import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { namedPathOf, namedSource, triedPlaces, walkSources, type ModelSources } from '../../src/artifacts/sources.js';

// The one walk over a model's declared sources: what the user names decides, otherwise the sources are tried
// in their order and every failure is kept for the message.

const model: ModelSources = {
  module: 'm',
  sources: [
    { kind: 'path', initArgs: ['model_path', 'directory'], env: 'HUB_TEST_DIR' },
    { kind: 'named-url', urlArg: 'url', sha256Arg: 'sha256' },
    { kind: 'debian', package: 'pkg', installedAt: '/usr/share/pkg' },
    { kind: 'npm', package: '@x/models', version: '1.0.0' },
    { kind: 'url', label: 'the mirror', files: [{ name: 'm.onnx', url: 'http://127.0.0.1:1/m.onnx', sha256: 'ab'.repeat(32) }] },
  ],
};

describe('declared weight sources', () => {
  test('init_args wins over the environment; empty values count as unset', () => {
    const path = model.sources[0]! as Parameters<typeof namedPathOf>[0];
    process.env.HUB_TEST_DIR = '/from/env';
    try {
      assert.deepEqual(namedPathOf(path, { directory: '/from/args' }), { path: '/from/args', label: 'init_args.directory', fromEnv: false });
      assert.deepEqual(namedPathOf(path, { model_path: '/m.onnx', directory: '/from/args' })?.label, 'init_args.model_path');
      assert.deepEqual(namedPathOf(path, {}), { path: '/from/env', label: 'HUB_TEST_DIR', fromEnv: true });
      process.env.HUB_TEST_DIR = '';
      assert.equal(namedPathOf(path, { directory: '' }), undefined);
      assert.deepEqual(namedSource(model, { url: 'https://example.com/m.onnx', sha256: 'AB' }), {
        source: model.sources[1], url: { url: 'https://example.com/m.onnx', sha256: 'ab' },
      });
    } finally {
      delete process.env.HUB_TEST_DIR;
    }
  });

  test('a named path decides, even when it is wrong; nothing else is tried', async () => {
    const visited: string[] = [];
    const walked = await walkSources(model, { directory: '/mine' }, {
      path: async (named) => `named ${named.path}`,
      debian: async () => { visited.push('debian'); return 'debian'; },
    });
    assert.deepEqual(walked, { found: 'named /mine', from: model.sources[0], failures: [] });
    await assert.rejects(walkSources(model, { directory: '/wrong' }, { path: async () => { throw new Error('holds no model'); } }), /holds no model/);
    const unprepared = await walkSources(model, { directory: '/mine' }, { path: async () => undefined });
    assert.equal(unprepared.from, model.sources[0], 'named, though nothing is prepared from it');
    assert.deepEqual(visited, []);
  });

  test('otherwise the sources are tried in order until one yields, keeping why the others did not', async () => {
    const visited: string[] = [];
    const walked = await walkSources(model, {}, {
      debian: async (deb) => { visited.push(deb.package); throw new Error('apt-get failed'); },
      npm: async (npm) => { visited.push(npm.package); return undefined; },
      url: async (url) => { visited.push(url.label); return url.files[0]!.name; },
    });
    assert.deepEqual(visited, ['pkg', '@x/models', 'the mirror']);
    assert.equal(walked.found, 'm.onnx');
    assert.equal(walked.from, model.sources[4]);
    assert.deepEqual(walked.failures.map((e) => e.message), ['apt-get failed']);
    const checkOnly = await walkSources(model, {}, {});
    assert.deepEqual(checkOnly, { failures: [] }, 'kinds without a visitor are passed over');
  });

  test('the places a walk tries, in words', () => {
    assert.deepEqual(triedPlaces(model), [
      'init_args.model_path', 'init_args.directory', 'HUB_TEST_DIR', 'init_args.url', '/usr/share/pkg', '`apt-get download pkg`', 'npm @x/models@1.0.0', 'the mirror',
    ]);
  });
});
