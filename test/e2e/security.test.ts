import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort, lacSkipReason, lacWeights, post, runHub, startServer } from '../helpers/cli.js';
import { send } from '../server/echo-app.js';

// API keys, allowed hosts, CORS and the start's warning, through the real `hub serving start` serving lac.

const TEXT = { texts: ['今天是个好日子'] };
const WARNING = /^warning: serving every interface \(0\.0\.0\.0\) without an API key: anyone who can reach port \d+ can use it; give --api_key \(HUB_API_KEY\) or --host 127\.0\.0\.1$/m;

describe('hub serving start with security options', { skip: await lacSkipReason() }, () => {
  test('--api_key: 401 without a key, lac answers with one; the probes need none; no warning; /modules names no folder', async () => {
    const server = await startServer(['-m', 'lac', '--api_key', 'alpha-key, beta-key']);
    try {
      const refused = await post(`${server.url}/predict/lac`, TEXT);
      assert.equal(refused.status, 401, refused.text);
      assert.equal(refused.body.status, '126');
      assert.equal(refused.headers.get('www-authenticate'), 'Bearer');
      const answered = await post(`${server.url}/predict/lac`, TEXT, { 'content-type': 'application/json', authorization: 'Bearer beta-key' });
      assert.equal(answered.status, 200, answered.text);
      assert.deepEqual((answered.body.results as { word: string[] }[])[0]!.word, ['今天', '是', '个', '好日子']);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      assert.equal((await fetch(`${server.url}/metrics`)).status, 401);

      const modules = await fetch(`${server.url}/modules`, { headers: { 'x-api-key': 'alpha-key' } });
      const text = await modules.text();
      assert.equal(modules.status, 200, text);
      const lacDir = (await lacWeights()).path!;
      assert.ok(!text.includes(lacDir) && !text.includes('/.hub-serving') && !/"\/(usr|home|tmp)\//.test(text), text);
      // The installed package, or HUB_LAC_DIR at the one the tests fetched: named, its folder left out.
      assert.match((JSON.parse(text) as { weightsFrom: string }[])[0]!.weightsFrom, /^(Debian package python3-jieba|HUB_LAC_DIR \.\.\.\/lac_small)$/);
      // The start lines, for the operator, keep the folders.
      assert.ok(server.stdout().includes(lacDir), server.stdout());
      assert.doesNotMatch(server.stderr(), WARNING);
      assert.ok(!server.stdout().includes('alpha-key') && !server.stderr().includes('alpha-key'), 'the key is printed nowhere');

      // The default allowed hosts of 0.0.0.0: loopback names answered, another name refused.
      const auth = { 'x-api-key': 'alpha-key' };
      assert.equal((await send(server.port, { path: '/modules', headers: { ...auth, host: `localhost:${server.port}` } })).status, 200);
      const rebound = await send(server.port, { path: '/modules', headers: { ...auth, host: `attacker.example:${server.port}` } });
      assert.equal(rebound.status, 403, rebound.text);
      assert.equal(rebound.body.status, '127');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('HUB_API_KEY over a config file\'s key list, allowed_hosts and cors_origins from the file; the notice hides the keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'security-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({
      modules_info: { lac: {} }, host: '127.0.0.1', api_key: ['file-key-1', 'file-key-2'],
      allowed_hosts: ['127.0.0.1', 'models.example'], cors_origins: ['https://app.example.com'],
    }));
    const server = await startServer(['-c', config], { HUB_API_KEY: 'env-key' });
    try {
      assert.match(server.stdout(), /note: HUB_API_KEY for "api_key" overrides the config file \(values not shown\)/);
      assert.ok(!/file-key|env-key/.test(server.stdout() + server.stderr()), 'no key printed');
      assert.doesNotMatch(server.stderr(), WARNING, '127.0.0.1: no warning');
      const withEnv = await send(server.port, { method: 'POST', path: '/predict/lac', body: JSON.stringify(TEXT), headers: { 'content-type': 'application/json', 'x-api-key': 'env-key', host: 'models.example' } });
      assert.equal(withEnv.status, 200, withEnv.text);
      const withFile = await send(server.port, { method: 'POST', path: '/predict/lac', body: JSON.stringify(TEXT), headers: { 'content-type': 'application/json', 'x-api-key': 'file-key-1' } });
      assert.equal(withFile.status, 401, 'the variable replaced the file\'s keys');
      const localhost = await send(server.port, { path: '/modules', headers: { host: 'localhost', 'x-api-key': 'env-key' } });
      assert.equal(localhost.status, 403, 'a configured list replaces the defaults');
      const preflight = await send(server.port, { method: 'OPTIONS', path: '/predict/lac', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example.com');
      const form = await send(server.port, { method: 'POST', path: '/predict/lac', body: 'texts=x', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': 'env-key' } });
      assert.equal(form.status, 403, form.text);
      assert.equal(form.body.status, '128');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('every interface without a key: one warning line once ready', async () => {
    const server = await startServer(['-m', 'lac']);
    try {
      assert.equal(server.stderr().match(new RegExp(WARNING.source, 'gm'))?.length, 1, server.stderr());
      assert.ok(server.stdout().indexOf('Hub Serving is ready') >= 0);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});

test('a bad security option stops the start with one line naming it', async () => {
  const port = String(await freePort());
  const cors = runHub(['serving', 'start', '-m', 'lac', '-p', port, '--cors_origins', 'https://ok.example,ftp://files.example/x']);
  assert.equal(cors.status, 1);
  assert.equal(cors.stderr.trim().split('\n').filter((l) => l.startsWith('error:') || l.startsWith('warning:')).length, 1, cors.stderr);
  assert.match(cors.stderr, /^error: cors_origins.*expected origins like https:\/\/app\.example\.com/m);
  const key = runHub(['serving', 'start', '-m', 'lac', '-p', port], { HUB_API_KEY: ' , ' });
  assert.equal(key.status, 1);
  assert.match(key.stderr, /^error: api_key: .*expected one or more API keys \(from HUB_API_KEY\)$/m);
  assert.equal(key.stderr.trim().split('\n').length, 1, key.stderr);
});
