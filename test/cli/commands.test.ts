import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freshHubHome, post, requireLacOrSkip, runHub, startServer } from '../helpers/cli.js';

// The rest of PaddleHub's command line (version, search, uninstall, show/install name==version, serving
// status) and the "did you mean" hints, through the real binary.

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

const oneLineError = (stderr: string, message: RegExp) => {
  assert.match(stderr, message);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  assert.equal(stderr.trim().split('\n').filter((l) => l.startsWith('error:')).length, 1, stderr);
};

describe('version, search, show', () => {
  test('hub version prints the version alone, as PaddleHub does', () => {
    const r = runHub(['version']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${pkg.version}\n`);
  });

  test('hub search matches names, tasks and summaries; no match says so', () => {
    const face = runHub(['search', 'face']);
    assert.equal(face.status, 0);
    assert.match(face.stdout, /^module\s+version\s+task\s+summary/);
    for (const name of ['blazeface_mediapipe', 'pyramidbox_lite_server_mask', 'pyramidbox_lite_mobile_mask']) assert.match(face.stdout, new RegExp(`^${name} `, 'm'));
    assert.doesNotMatch(face.stdout, /^lac /m);
    assert.match(runHub(['search', 'Sentiment']).stdout, /^senta_bilstm /m, 'case-insensitive, on the task');
    assert.match(runHub(['search', 'BiGRU']).stdout, /^lac /m, 'on the summary');
    const none = runHub(['search', 'lax']);
    assert.equal(none.status, 0);
    assert.match(none.stdout, /no module matches "lax"; did you mean "lac"\?/);
  });

  test('show, install and uninstall take name==version like serving start', () => {
    const ok = runHub(['show', 'lac==2.1.0']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^lac 2\.2\.0 \(lexical_analysis\)/);
    assert.match(ok.stderr, /warning: lac 2\.1\.0 was requested; serving lac 2\.2\.0, which has the same request and result format/);
    assert.match(ok.stdout, /run here: hub run lac --input_text/);
    for (const command of ['show', 'install', 'uninstall']) {
      const r = runHub([command, 'lac==9.9.9'], { HUB_HOME: freshHubHome() });
      assert.equal(r.status, 1, command);
      oneLineError(r.stderr, /^error: module lac: version 9\.9\.9 is not available; we serve 2\.2\.0/);
    }
    oneLineError(runHub(['show', 'lac==']).stderr, /"lac==" is not allowed: expected a module name or name==version/);
  });
});

describe('uninstall', () => {
  test('removes what was prepared under HUB_HOME/modules/<name> and says so; twice says nothing was installed', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const home = freshHubHome();
    assert.equal(runHub(['install', 'lac'], { HUB_HOME: home }).status, 0);
    assert.ok(existsSync(join(home, 'modules', 'lac')));
    const first = runHub(['uninstall', 'lac'], { HUB_HOME: home });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`^Successfully uninstalled lac: removed ${join(home, 'modules', 'lac')} \\(\\d+(\\.\\d)? [KM]?B\\)`));
    assert.ok(!existsSync(join(home, 'modules', 'lac')));
    const second = runHub(['uninstall', 'lac'], { HUB_HOME: home });
    assert.equal(second.status, 0);
    assert.match(second.stdout, /^lac is not installed: nothing under /);
    assert.match(runHub(['list'], { HUB_HOME: home }).stdout, /^lac\s+2\.2\.0\s+lexical_analysis\s+not installed/m);
  });
});

describe('install --force and progress', () => {
  test('--force prepares again (not "already installed"); progress is one line per step off a terminal', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const home = freshHubHome();
    const first = runHub(['install', 'lac'], { HUB_HOME: home });
    assert.match(first.stdout, /^lac: installed from /m);
    assert.match(runHub(['install', 'lac'], { HUB_HOME: home }).stdout, /^lac: already installed from /m);
    const forced = runHub(['install', 'lac', '--force'], { HUB_HOME: home });
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(forced.stdout, /^lac: converting the Paddle tensors to ONNX$/m);
    assert.match(forced.stdout, /^lac: prepared again from /m);
    const steps = forced.stdout.split('\n').filter((l) => l.startsWith('lac: ') && !/prepared again/.test(l));
    assert.equal(new Set(steps).size, steps.length, `no step line repeats:\n${forced.stdout}`);
    assert.match(runHub(['install', 'lac'], { HUB_HOME: home }).stdout, /^lac: already installed from /m, 'the new preparation is the installed one');
  });
});

describe('hub list', () => {
  test('lines fit 100 columns off a terminal; the OCR models, part of npm install, count as installed', () => {
    const r = runHub(['list'], { HUB_HOME: freshHubHome() });
    assert.equal(r.status, 0, r.stderr);
    for (const line of r.stdout.split('\n')) assert.ok(line.length <= 100, `longer than 100 columns: ${line}`);
    assert.match(r.stdout, /^chinese_ocr_db_crnn_mobile\s+1\.1\.3\s+ocr\s+installed/m);
    assert.match(r.stdout, /^senta_bilstm\s+\S+\s+sentiment_classification\s+to supply/m);
  });
});

describe('serving status', () => {
  test('nothing running: one line; --json: an empty list', () => {
    const home = freshHubHome();
    assert.match(runHub(['serving', 'status'], { HUB_HOME: home }).stdout, /^no Hub Serving is running/);
    assert.deepEqual(JSON.parse(runHub(['serving', 'status', '--json'], { HUB_HOME: home }).stdout), []);
  });

  test('a running service: a header line and its URL; --json has the same', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const home = freshHubHome();
    const server = await startServer(['-m', 'lac'], { HUB_HOME: home });
    try {
      const r = runHub(['serving', 'status'], { HUB_HOME: home });
      assert.equal(r.status, 0, r.stderr);
      const [header, row] = r.stdout.split('\n');
      assert.match(header!, /^PORT\s+PID\s+STATE\s+URL\s+MODULES\s+PROCESSES\s+SINCE$/);
      assert.match(row!, new RegExp(`^${server.port}\\s+${server.child.pid}\\s+running\\s+http://127\\.0\\.0\\.1:${server.port}\\s+lac\\s+1\\s`));
      const json = JSON.parse(runHub(['serving', 'status', '--json'], { HUB_HOME: home }).stdout) as { port: number; url: string; running: boolean; modules: string[] }[];
      assert.equal(json.length, 1);
      assert.equal(json[0]!.port, server.port);
      assert.equal(json[0]!.url, `http://127.0.0.1:${server.port}`);
      assert.equal(json[0]!.running, true);
      assert.deepEqual(json[0]!.modules, ['lac']);

      // A request key one letter off is named with the key meant.
      const reply = await post(`${server.url}/predict/lac`, { txt: ['今天是个好日子'] });
      assert.equal(reply.status, 400, reply.text);
      assert.match(reply.body.msg, /unknown key "txt"; did you mean "text"\? accepted keys: text, texts/);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});

describe('did you mean', () => {
  test('unknown commands: `serving stat` means status (which it begins), not start', () => {
    const r = runHub(['serving', 'stat']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error: unknown command 'stat'\n\(Did you mean status\?\)/);
    assert.match(runHub(['serving', 'strat']).stderr, /\(Did you mean start\?\)/);
    assert.match(runHub(['uninstal', 'lac']).stderr, /\(Did you mean uninstall\?\)/);
    assert.match(runHub(['serach', 'lac']).stderr, /\(Did you mean search\?\)/);
    assert.match(runHub(['lac']).stderr, /\(lac is a module: hub run lac --input_text \.\.\., hub show lac\)/);
  });

  test('unknown modules in every command', () => {
    const expected = /module "lax" is not available \(did you mean "lac"\?\)/;
    for (const args of [['serving', 'start', '-m', 'lax'], ['show', 'lax'], ['install', 'lax'], ['uninstall', 'lax'], ['run', 'lax', '--input_text', 'x']]) {
      const r = runHub(args);
      assert.equal(r.status, 1, args.join(' '));
      assert.match(r.stderr, expected, args.join(' '));
    }
    assert.match(runHub(['show', 'jieba']).stderr, /did you mean "jieba_paddle"\?/);
    assert.doesNotMatch(runHub(['show', 'nope']).stderr, /did you mean/, 'nothing close: no guess');
  });

  test('unknown config keys', () => {
    const dir = freshHubHome();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'port.json'), JSON.stringify({ prot: 8866, modules_info: { lac: {} } }));
    oneLineError(runHub(['serving', 'start', '-c', join(dir, 'port.json')]).stderr, /unknown key "prot"; did you mean "port"\? accepted keys: modules_info, port/);
    writeFileSync(join(dir, 'info.json'), JSON.stringify({ port: 8866, module_info: { lac: {} } }));
    oneLineError(runHub(['serving', 'start', '-c', join(dir, 'info.json')]).stderr, /unknown key "module_info"; did you mean "modules_info"\?/);
    writeFileSync(join(dir, 'init.json'), JSON.stringify({ modules_info: { lac: { init_args: { user_dic: 'x' } } } }));
    oneLineError(runHub(['serving', 'start', '-c', join(dir, 'init.json')]).stderr, /init_args: unknown key "user_dic"; did you mean "user_dict"\?/);
  });

  test('a missing user_dict is the one line printed, before anything is said to be loaded', () => {
    const dir = freshHubHome();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ modules_info: { lac: { init_args: { user_dict: 'missing.dic' } } } }));
    const r = runHub(['serving', 'start', '-c', join(dir, 'c.json')]);
    assert.equal(r.status, 1);
    oneLineError(r.stderr, new RegExp(`^error: modules_info\\.lac\\.init_args\\.user_dict: no such file: ${join(dir, 'missing.dic')}`));
    assert.doesNotMatch(r.stdout, /loaded|listening/);
  });
});
