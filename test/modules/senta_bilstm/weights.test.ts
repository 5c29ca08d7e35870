import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { installSenta, installedSenta, type SentaUrlSource } from '../../../src/modules/senta_bilstm/weights.js';
import { freshHubHome, requireLacOrSkip } from '../../helpers/cli.js';
import { buildTinySenta, tinyVocabText, writeTinySentaDir } from './tiny-senta.js';

// Where senta's weights come from: a named folder, HUB_SENTA_DIR, or a pinned download; and the exact
// words when there are none.

const NO_WEIGHTS = 'no weights: senta_bilstm needs model.onnx and vocab.txt in init_args.directory or HUB_SENTA_DIR; ' +
  'no package reachable here holds Chinese sentiment weights';
const noWeightsWith = (detail: string) => 'no weights: senta_bilstm needs model.onnx and vocab.txt in init_args.directory or HUB_SENTA_DIR ' +
  `(${detail}); no package reachable here holds Chinese sentiment weights`;

const saved = { home: process.env.HUB_HOME, dir: process.env.HUB_SENTA_DIR };
beforeEach(() => {
  process.env.HUB_HOME = freshHubHome();
  delete process.env.HUB_SENTA_DIR;
});
afterEach(() => {
  process.env.HUB_HOME = saved.home;
  if (saved.dir === undefined) delete process.env.HUB_SENTA_DIR;
  else process.env.HUB_SENTA_DIR = saved.dir;
});

describe('without weights', () => {
  test('installed() says nothing is there; install() says exactly what is missing', async () => {
    assert.equal(await installedSenta({}), undefined);
    await assert.rejects(installSenta({}), (error: Error) => error.message === NO_WEIGHTS);
  });

  test('a named folder that is missing, or lacks files, is named in the message', async () => {
    await assert.rejects(installSenta({ directory: '/nonexistent/senta' }), (error: Error) =>
      error.message === noWeightsWith('init_args.directory /nonexistent/senta does not exist'));
    const half = mkdtempSync(join(tmpdir(), 'senta-half-'));
    writeFileSync(join(half, 'model.onnx'), buildTinySenta());
    assert.equal(await installedSenta({ directory: half }), undefined);
    await assert.rejects(installSenta({ directory: half }), (error: Error) => error.message === noWeightsWith(`init_args.directory ${half} has no vocab.txt`));
    const empty = mkdtempSync(join(tmpdir(), 'senta-empty-'));
    process.env.HUB_SENTA_DIR = empty;
    await assert.rejects(installSenta({}), (error: Error) => error.message === noWeightsWith(`HUB_SENTA_DIR ${empty} has no model.onnx and no vocab.txt`));
  });
});

describe('a folder of weights', () => {
  test('init_args.directory, then HUB_SENTA_DIR; installing also prepares lac', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const dir = writeTinySentaDir(mkdtempSync(join(tmpdir(), 'senta-dir-')));
    const steps: string[] = [];
    const result = await installSenta({ directory: dir }, (step) => steps.push(step));
    assert.equal(result.source, `init_args.directory ${dir}`);
    assert.equal(result.directory, dir);
    assert.equal(result.fresh, false, 'nothing is copied or converted');
    assert.match(result.checksum, /^[0-9a-f]{64}$/);
    assert.ok(steps.some((s) => s.startsWith('lac, for word segmentation: ')), steps.join('; '));
    assert.deepEqual(await installedSenta({ directory: dir }), result);

    process.env.HUB_SENTA_DIR = dir;
    assert.equal((await installedSenta({}))!.source, `HUB_SENTA_DIR ${dir}`);
    const other = writeTinySentaDir(mkdtempSync(join(tmpdir(), 'senta-dir-')));
    writeFileSync(join(other, 'vocab.txt'), `${tinyVocabText()}新词\t8\n`);
    const fromArgs = (await installedSenta({ directory: other }))!;
    assert.equal(fromArgs.source, `init_args.directory ${other}`, 'init_args wins over the environment');
    assert.notEqual(fromArgs.checksum, result.checksum, 'another vocab is another install');
  });
});

describe('a pinned download', () => {
  const model = Buffer.from(buildTinySenta());
  const vocab = Buffer.from(tinyVocabText());
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  let server: Server;
  let base = '';
  const hits: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      hits.push(req.url!);
      const file = req.url === '/senta/model.onnx' ? model : req.url === '/senta/vocab.txt' ? vocab : undefined;
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-length': file.length }).end(file);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(() => server.close());

  const source = (label: string, modelSha = sha(model)): SentaUrlSource => ({
    label,
    model: { url: `${base}/senta/model.onnx`, sha256: modelSha },
    vocab: { url: `${base}/senta/vocab.txt`, sha256: sha(vocab) },
  });

  test('downloads both files once into HUB_HOME, then finds them without downloading again', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const steps: string[] = [];
    const first = await installSenta({}, (step) => steps.push(step), [source('test mirror')]);
    assert.equal(first.source, 'test mirror');
    assert.equal(first.fresh, true);
    assert.ok(first.directory.startsWith(join(process.env.HUB_HOME!, 'modules', 'senta_bilstm')), first.directory);
    assert.ok(readFileSync(join(first.directory, 'model.onnx')).equals(model));
    assert.ok(readFileSync(join(first.directory, 'vocab.txt')).equals(vocab));
    assert.ok(steps.includes('downloading model.onnx from test mirror') && steps.includes('downloading vocab.txt from test mirror'), steps.join('; '));

    const found = await installedSenta({});
    assert.deepEqual(found, { ...first, fresh: false });
    const count = hits.length;
    assert.deepEqual(await installSenta({}, undefined, [source('test mirror')]), { ...first, fresh: false });
    assert.equal(hits.length, count, 'nothing downloaded the second time');
  });

  test('a source whose sum does not match is skipped for the next; when all fail, every reason is given', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const bad = source('bad mirror', 'cd'.repeat(32));
    const good = await installSenta({}, undefined, [bad, source('good mirror')]);
    assert.equal(good.source, 'good mirror');

    process.env.HUB_HOME = freshHubHome();
    const missing: SentaUrlSource = { ...source('gone mirror'), vocab: { url: `${base}/gone/vocab.txt`, sha256: sha(vocab) } };
    await assert.rejects(installSenta({}, undefined, [bad, missing]), (error: Error) => {
      assert.match(error.message, /^senta_bilstm: no download of the weights worked: /);
      assert.match(error.message, new RegExp(`checksum mismatch for ${base}/senta/model\\.onnx: expected sha256 ${'cd'.repeat(32)}, got ${sha(model)}`));
      assert.match(error.message, new RegExp(`cannot download ${base}/gone/vocab\\.txt: HTTP 404 Not Found; put model\\.onnx and vocab\\.txt in a folder named by init_args\\.directory or HUB_SENTA_DIR instead`));
      return true;
    });
    assert.equal(await installedSenta({}), undefined);
  });

  test('a named folder is used before any download', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const dir = join(mkdtempSync(join(tmpdir(), 'senta-named-')), 'weights');
    mkdirSync(dir);
    writeTinySentaDir(dir);
    const count = hits.length;
    assert.equal((await installSenta({ directory: dir }, undefined, [source('test mirror')])).source, `init_args.directory ${dir}`);
    assert.equal(hits.length, count);
  });
});
