import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { namedModelFile, noWeightsMessage, type OnnxModelSpec } from '../../../src/modules/_vision/model-file.js';
import { installVision, installedVision, readPrepared, type VisionModuleSpec } from '../../../src/modules/_vision/prepared.js';
import { tinyClassifier } from './tiny-models.js';

// Finding, checksumming and downloading one ONNX file, and the prepared record load reads, on a tiny model.

const bytes = Buffer.from(tinyClassifier({ classes: 3 }));
const sha = createHash('sha256').update(bytes).digest('hex');
const NAMES = ['red', 'green', 'blue'];

function specFor(url: string, sum = sha): VisionModuleSpec {
  const model: OnnxModelSpec = {
    module: 'tiny_vision',
    fileName: 'tiny.onnx',
    pathEnv: 'HUB_TINY_VISION_PATH',
    download: { url, sha256: sum, bytes: bytes.length, label: 'the tiny test model', urlEnv: 'HUB_TINY_VISION_URL' },
    wants: 'a tiny classifier',
  };
  return { model, names: { kind: 'builtin', names: NAMES, from: 'the test' } };
}

describe('ONNX weights from a path or a pinned download', () => {
  let server: Server;
  let base = '';
  let requests = 0;
  let closedPort = 0;

  before(async () => {
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/tiny.onnx') res.end(bytes);
      else if (req.url === '/other.onnx') res.end(Buffer.from('not the pinned file'));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    process.env.HUB_HOME = mkdtempSync(join(tmpdir(), 'hub-vision-'));
    delete process.env.HUB_TINY_VISION_PATH;
    delete process.env.HUB_TINY_VISION_URL;
    requests = 0;
  });

  test('a named file, a folder holding it or one .onnx file, and the environment', () => {
    const { model } = specFor(base);
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    writeFileSync(join(dir, 'any-name.onnx'), bytes);
    assert.equal(namedModelFile(model, {}), undefined, 'nothing named');
    assert.equal(namedModelFile(model, { model_path: join(dir, 'any-name.onnx') })?.path, join(dir, 'any-name.onnx'));
    assert.equal(namedModelFile(model, { directory: dir })?.path, join(dir, 'any-name.onnx'), 'the only .onnx file of a folder');
    writeFileSync(join(dir, 'second.onnx'), bytes);
    assert.throws(() => namedModelFile(model, { directory: dir }), /holds no tiny.onnx but several .onnx files \(any-name.onnx, second.onnx\): name one by init_args.model_path/);
    writeFileSync(join(dir, 'tiny.onnx'), bytes);
    assert.equal(namedModelFile(model, { directory: dir })?.path, join(dir, 'tiny.onnx'), 'the spec\'s file name wins');
    assert.throws(() => namedModelFile(model, { model_path: join(dir, 'missing.onnx') }),
      (e: Error) => /tiny_vision: init_args.model_path .*missing.onnx does not exist; name the file by init_args.model_path/.test(e.message) && /HUB_TINY_VISION_PATH/.test(e.message));
    const empty = mkdtempSync(join(tmpdir(), 'models-'));
    assert.throws(() => namedModelFile(model, { directory: empty }), /holds no tiny.onnx and no other .onnx file/);
    process.env.HUB_TINY_VISION_PATH = dir;
    assert.match(namedModelFile(model, {})!.label, /^HUB_TINY_VISION_PATH .*tiny.onnx$/);
  });

  test('install records the file once; a changed file must be installed again', async () => {
    const spec = specFor(`http://127.0.0.1:${closedPort}/tiny.onnx`);
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    const path = join(dir, 'mine.onnx');
    writeFileSync(path, bytes);
    assert.equal(await installedVision(spec, { model_path: path }), undefined);
    const installed = await installVision(spec, { model_path: path });
    assert.equal(installed.checksum, sha);
    assert.equal(installed.fresh, true);
    assert.match(installed.source, /^init_args.model_path .*mine.onnx \(the tiny test model, sha256 verified\); class names from the test$/);
    const prepared = await readPrepared(installed);
    assert.deepEqual(prepared, { model: path, modelSha256: sha, names: NAMES, namesFrom: 'the test' });
    assert.deepEqual(await installedVision(spec, { model_path: path }), { ...installed, fresh: false });
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    assert.equal(await installedVision(spec, { model_path: path }), undefined, 'a touched file is checksummed again');
    assert.equal(requests, 0, 'a named file is never downloaded');
  });

  test('a label file replaces the built-in names', async () => {
    const spec = specFor(base);
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    writeFileSync(join(dir, 'tiny.onnx'), bytes);
    writeFileSync(join(dir, 'labels.txt'), 'rouge\nvert\nbleu\n');
    const installed = await installVision(spec, { directory: dir, label_file: join(dir, 'labels.txt') });
    assert.deepEqual((await readPrepared(installed)).names, ['rouge', 'vert', 'bleu']);
    assert.match(installed.source, /class names from init_args.label_file .*labels.txt$/);
    const plain = await installVision(spec, { directory: dir });
    assert.notEqual(plain.directory, installed.directory, 'other names, another prepared record');
  });

  test('without a named file the pinned file is downloaded once, and a mirror can stand in for the URL', async () => {
    const spec = specFor(`${base}/tiny.onnx`);
    const steps: string[] = [];
    const installed = await installVision(spec, {}, (step) => steps.push(step));
    assert.equal(requests, 1);
    assert.match(installed.source, /^the tiny test model \(downloaded from http:\/\/127\.0\.0\.1:\d+\/tiny.onnx, sha256 verified\)/);
    assert.ok(steps.some((s) => s.startsWith('downloading the tiny test model')));
    assert.deepEqual(await installedVision(spec, {}), { ...installed, source: installed.source.replace(/\(downloaded from .*, sha256 verified\)/, '(downloaded, sha256 verified)'), fresh: false });
    await installVision(spec, {});
    assert.equal(requests, 1, 'a second install downloads nothing');

    process.env.HUB_HOME = mkdtempSync(join(tmpdir(), 'hub-vision-'));
    process.env.HUB_TINY_VISION_URL = `${base}/tiny.onnx`;
    const mirrored = await installVision(specFor(`http://127.0.0.1:${closedPort}/tiny.onnx`), {});
    assert.match(mirrored.source, new RegExp(`downloaded from ${base}/tiny.onnx`));
  });

  test('a failed download says what to supply, in one line', async () => {
    const unreachable = specFor(`http://127.0.0.1:${closedPort}/tiny.onnx`);
    await assert.rejects(installVision(unreachable, {}), (e: Error) => {
      assert.ok(e.message.startsWith(noWeightsMessage(unreachable.model)), e.message);
      assert.match(e.message, /Downloading it failed: cannot download http:\/\/127\.0\.0\.1:\d+\/tiny.onnx: connection refused/);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
    const wrong = specFor(`${base}/other.onnx`);
    await assert.rejects(installVision(wrong, {}), /no weights.*checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/other.onnx: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}; the download was discarded/);
    assert.equal(await installedVision(wrong, {}), undefined, 'nothing was kept');
  });

  test('the no-weights message names every way to supply them', () => {
    const { model } = specFor(base);
    assert.equal(noWeightsMessage(model),
      `tiny_vision: no weights. Supply a tiny classifier, e.g. the tiny test model (${bytes.length} bytes, sha256 ${sha}): ` +
      'name the file by init_args.model_path (or a folder holding tiny.onnx by init_args.directory) or by HUB_TINY_VISION_PATH');
  });
});
