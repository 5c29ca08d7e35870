import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LAC_SOURCE, freePort, freshHubHome, post, requireLacOrSkip, runHub, sharedHubHome, startServer } from '../helpers/cli.js';

// The `hub` command as a user runs it: mistakes, start and stop, config files, background services.

const oneLineError = (stderr: string, message: RegExp) => {
  assert.match(stderr, message);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  assert.equal(stderr.trim().split('\n').filter((l) => l.startsWith('error:')).length, 1, stderr);
};

describe('start refuses mistakes with one line and exit code 1', () => {
  test('no -m and no -c', () => {
    const r = runHub(['serving', 'start']);
    assert.equal(r.status, 1);
    oneLineError(r.stderr, /^error: no modules to serve: give -m <module>/);
  });
  test('an unknown module lists the available ones', () => {
    const r = runHub(['serving', 'start', '-m', 'nope']);
    assert.equal(r.status, 1);
    oneLineError(r.stderr, /module "nope" is not available; available modules: lac/);
  });
  test('a bad port, a bad config key, a version we cannot stand in for', () => {
    oneLineError(runHub(['serving', 'start', '-m', 'lac', '-p', '99999']).stderr, /port: 99999 is not allowed: expected an integer from 1 to 65535/);
    const dir = freshHubHome();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ modules_info: { lac: { init_args: { dictionary: 'x' } } } }));
    oneLineError(runHub(['serving', 'start', '-c', join(dir, 'c.json')]).stderr, /modules_info\.lac\.init_args: unknown key "dictionary"; accepted keys: version, user_dict, directory/);
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ modules_info: { lac: { predict_args: { batch_size: 'big' } } } }));
    oneLineError(runHub(['serving', 'start', '-c', join(dir, 'p.json')]).stderr, /modules_info\.lac\.predict_args\.batch_size: "big" is not allowed/);
    oneLineError(runHub(['serving', 'start', '-m', 'lac==9.9.9']).stderr, /version 9\.9\.9 is not available; we serve 2\.2\.0/);
  });
  test('an occupied port says so', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '0.0.0.0', resolve));
    try {
      const r = runHub(['serving', 'start', '-m', 'lac', '-p', String(port)]);
      assert.equal(r.status, 1);
      oneLineError(r.stderr, new RegExp(`Port ${port} is occupied, please change it`));
    } finally {
      blocker.close();
    }
  });
  test('--use_gpu without the CUDA provider is an error, not a silent CPU run', () => {
    const r = runHub(['serving', 'start', '-m', 'lac', '--use_gpu', '-i', '0']);
    assert.equal(r.status, 1);
    oneLineError(r.stderr, /CUDA provider is not installed/);
  });
});

describe('modules on the command line', () => {
  test('hub list, hub show, hub install', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const home = freshHubHome();
    const before = runHub(['list'], { HUB_HOME: home });
    assert.equal(before.status, 0);
    // The summary goes below the columns when they leave it too little of the 100 columns a pipe gets.
    assert.match(before.stdout, /^lac\s+2\.2\.0\s+lexical_analysis\s+not installed\s+Baidu's LAC/m);
    const install = runHub(['install', 'lac'], { HUB_HOME: home });
    assert.equal(install.status, 0, install.stderr);
    assert.match(install.stdout, new RegExp(`lac: installed from (${LAC_SOURCE.source})`));
    const again = runHub(['install', 'lac'], { HUB_HOME: home });
    assert.match(again.stdout, /lac: already installed/);
    assert.match(runHub(['list'], { HUB_HOME: home }).stdout, /^lac\s+2\.2\.0\s+lexical_analysis\s+installed/m);
    const show = runHub(['show', 'lac'], { HUB_HOME: home });
    assert.match(show.stdout, /batch_size\s+int 1\.\.1024\s+default 1/);
    assert.match(show.stdout, /weights: Baidu's LAC small model, from Debian's python3-jieba/);
    oneLineError(runHub(['show', 'nope']).stderr, /module "nope" is not available/);
  });
});

describe('serving in the background', () => {
  test('a config file: a stand-in version with a warning, predict_args as defaults, a user dictionary', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const dir = freshHubHome();
    writeFileSync(join(dir, 'dict.txt'), '# my words\n天安门/LOC 广场/n\n好日子/SEASON\n');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({
      modules_info: { lac: { init_args: { version: '1.1.0', user_dict: './dict.txt' }, predict_args: { batch_size: 2, return_tag: false } } },
      port: await freePort(), use_gpu: false, use_multiprocess: false, workers: 2, gpu: '0',
    }));
    const server = await startServer(['-c', join(dir, 'config.json'), '--host', '127.0.0.1']);
    try {
      assert.match(server.stderr(), /warning: lac 1\.1\.0 was requested; serving lac 2\.2\.0, which has the same request and result format/);
      const defaults = await post(`${server.url}/predict/lac`, { texts: ['今天是个好日子'] });
      assert.deepEqual(defaults.body.results, [{ word: ['今天', '是', '个', '好日子'] }], 'return_tag=false from predict_args');
      const tagged = await post(`${server.url}/predict/lac`, { texts: ['今天是个好日子', '我在北京天安门广场见到了张三'], return_tag: true });
      assert.deepEqual(tagged.body.results, [
        { word: ['今天', '是', '个', '好日子'], tag: ['TIME', 'v', 'q', 'SEASON'] },
        { word: ['我', '在', '北京', '天安门', '广场', '见到', '了', '张三'], tag: ['r', 'p', 'LOC', 'LOC', 'n', 'v', 'u', 'PER'] },
      ]);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('stop finishes the request in flight, frees the port and removes the PID file', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const server = await startServer(['-m', 'lexical_analysis']);
    // A failed assertion must not leave the server running: the test runner would wait for it forever.
    try {
      const pidFile = join(sharedHubHome, 'conf', `serving_${server.port}.json`);
      assert.ok(existsSync(pidFile));
      const byTask = await post(`${server.url}/predict/lexical_analysis`, { text: ['今天是个好日子'] });
      assert.equal(byTask.body.status, '000', 'the task name a module was started by is a route too');
      const status = runHub(['serving', 'status']);
      assert.match(status.stdout, new RegExp(`^${server.port}\\s+\\d+\\s+running\\s+http://127\\.0\\.0\\.1:${server.port}\\s+lac\\s`, 'm'));
      const inFlight = post(`${server.url}/predict/lac`, { text: ['我在北京天安门广场见到了张三。'.repeat(3000)] });
      await new Promise((r) => setTimeout(r, 150));
      const stop = runHub(['serving', 'stop', '-p', String(server.port)]);
      assert.equal(stop.status, 0, stop.stderr);
      assert.match(stop.stdout, /will stop[\s\S]*stopped; the port is free/);
      const reply = await inFlight;
      assert.equal(reply.status, 200);
      assert.equal(reply.body.status, '000');
      assert.equal(await server.exited, 0);
      assert.ok(!existsSync(pidFile), 'the PID file is removed');
      const blocker = createServer();
      await new Promise<void>((resolve, reject) => blocker.once('error', reject).listen(server.port, '0.0.0.0', resolve));
      blocker.close();
    } finally {
      await server.stop();
    }
  });

  test('stop without a server, and with a stale PID file', () => {
    const home = freshHubHome();
    const missing = runHub(['serving', 'stop', '-p', '18999'], { HUB_HOME: home });
    assert.equal(missing.status, 1);
    oneLineError(missing.stderr, /no Hub Serving is recorded on port 18999/);
    mkdirSync(join(home, 'conf'), { recursive: true });
    writeFileSync(join(home, 'conf', 'serving_18999.json'), JSON.stringify({ pid: 999999, port: 18999, host: '0.0.0.0', module: ['lac'], start_time: 'x', processes: 1 }));
    assert.match(runHub(['serving', 'status'], { HUB_HOME: home }).stdout, /^18999\s+999999\s+stale\s[\s\S]*port 18999: pid 999999 is not running \(stale file\)/m);
    const stale = runHub(['serving', 'stop', '-p', '18999'], { HUB_HOME: home });
    assert.equal(stale.status, 0);
    assert.match(stale.stdout, /was not running; removed its stale file/);
    assert.ok(!existsSync(join(home, 'conf', 'serving_18999.json')));
  });

  test('--use_multiprocess --workers 2 serves from two processes on one port and stops them all', async (t) => {
    if (!(await requireLacOrSkip(t))) return;
    const server = await startServer(['-m', 'lac', '--use_multiprocess', '--workers', '2']);
    try {
      assert.match(server.stdout(), /2 processes x 1 inference thread \(cpu\)/);
      const replies = await Promise.all(Array.from({ length: 20 }, () => post(`${server.url}/predict/lac`, { texts: ['天气预报说今天要下雨'] })));
      for (const reply of replies) assert.deepEqual(reply.body.results, [{ word: ['天气预报', '说', '今天', '要', '下雨'], tag: ['n', 'v', 'TIME', 'v', 'v'] }]);
      const stop = runHub(['serving', 'stop', '-p', String(server.port)]);
      assert.equal(stop.status, 0, stop.stderr);
      assert.equal(await server.exited, 0);
    } finally {
      await server.stop();
    }
  });
});
