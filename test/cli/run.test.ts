import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freshHubHome, lacSkipReason, runHub } from '../helpers/cli.js';
import { photoPath, requirePhotosOrSkip } from '../modules/centernet_mobilenet_v3_coco2017/photos.js';

// `hub run`: a prediction in the process, no server, printed as PaddleHub's `hub run` prints it.

const oneLineError = (stderr: string, message: RegExp) => {
  assert.match(stderr, message);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  assert.equal(stderr.trim().split('\n').filter((l) => l.startsWith('error:')).length, 1, stderr);
};

describe('hub run with text modules', { skip: await lacSkipReason() }, () => {
  test('lac --input_text prints the Python repr of the results, as PaddleHub does', () => {
    const r = runHub(['run', 'lac', '--input_text', '今天是个好日子']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "[{'word': ['今天', '是', '个', '好日子'], 'tag': ['TIME', 'v', 'q', 'n']}]\n");
  });

  test('lac --input_file: one text a line, empty lines left out; --return_tag False leaves the tags out', () => {
    const dir = freshHubHome();
    const file = join(dir, 'texts.txt');
    writeFileSync(file, '今天是个好日子\n\n  天气预报说今天要下雨  \n');
    const r = runHub(['run', 'lac', '--input_file', file, '--return_tag', 'False']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "[{'word': ['今天', '是', '个', '好日子']}, {'word': ['天气预报', '说', '今天', '要', '下雨']}]\n");
  });

  test('a task name and name==version work, with the warning on stderr only', () => {
    const r = runHub(['run', 'lexical_analysis==2.1.0', '--input_text', '今天是个好日子']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\[\{'word': \['今天'/);
    assert.match(r.stderr, /warning: lac 2\.1\.0 was requested; serving lac 2\.2\.0/);
  });

  test('jieba_paddle --input_text prints the list of words', () => {
    const r = runHub(['run', 'jieba_paddle', '--input_text', '今天是个好日子']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "['今天', '是', '个', '好日子']\n");
  });

  test('mistakes: one line each, the cause first', () => {
    const dir = freshHubHome();
    oneLineError(runHub(['run', 'lac', '--input_file', join(dir, 'none.txt')]).stderr, /^error: --input_file: no such file: /);
    oneLineError(runHub(['run', 'lac', '--input_text', 'x', '--user_dict', join(dir, 'none.dic')]).stderr, /^error: --user_dict: no such file: /);
    oneLineError(runHub(['run', 'lac']).stderr, /lac needs a text: hub run lac --input_text/);
    oneLineError(runHub(['run', 'lac', '--input_path', join(dir, 'x.jpg')]).stderr, /lac reads texts: give --input_text/);
    oneLineError(runHub(['run', 'lac', '--input_text', 'x', '--return_tag', 'maybe']).stderr, /--return_tag: "maybe" is not allowed: expected True or False/);
    oneLineError(runHub(['run', 'lax', '--input_text', 'x']).stderr, /module "lax" is not available \(did you mean "lac"\?\)/);
    const r = runHub(['run', 'lac', '--input_text', 'x', '--use_gpu', 'True']);
    assert.equal(r.status, 1);
    oneLineError(r.stderr, /CUDA provider is not installed/);
  });
});

describe('hub run with image modules', () => {
  test('chinese_ocr_db_crnn_mobile --input_path (its models come with npm install)', async (t) => {
    if (!(await requirePhotosOrSkip(t, ['dog']))) return;
    const r = runHub(['run', 'ocr', '--input_path', photoPath('dog')], { HUB_HOME: freshHubHome() });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\[\{'data': \[.*\], 'save_path': ''\}\]\n$/);
    assert.doesNotMatch(r.stdout, /chinese_ocr_db_crnn_mobile:/, 'install steps go to stderr, stdout holds the results alone');
  });

  test('an image module refuses text, and a missing image is named', () => {
    oneLineError(runHub(['run', 'ocr', '--input_text', 'x']).stderr, /reads images: give --input_path <image file>/);
    oneLineError(runHub(['run', 'ocr', '--input_path', '/nonexistent/a.jpg']).stderr, /^error: --input_path: no such file: \/nonexistent\/a\.jpg/m);
  });
});
