import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lacSkipReason, runHub, startServer, type RunningServer } from '../helpers/cli.js';

// `hub bench` through the real binary, against a server the test started, and on its own.

describe('hub bench', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startServer(['-m', 'lac', '--host', '127.0.0.1']);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  test('loads a running server and prints req/s, percentiles, statuses and the batch sizes reached', () => {
    const r = runHub(['bench', '-m', 'lac', '-c', '4', '-d', '1', '--url', server!.url]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^hub bench: POST http:\/\/127\.0\.0\.1:\d+\/predict\/lac, 4 connections, 1 s$/m);
    const answered = Number(/^requests {2}(\d+) answered/m.exec(r.stdout)?.[1]);
    assert.ok(answered > 0, r.stdout);
    assert.match(r.stdout, /^latency {3}p50 \d+\.\d ms, p90 \d+\.\d ms, p99 \d+\.\d ms, max \d+\.\d ms$/m);
    assert.match(r.stdout, new RegExp(`^statuses  200: ${answered}$`, 'm'));
    assert.match(r.stdout, /^batches {3}\d+ model calls, \d+\.\d rows on average \(/m);
  });

  test('a body of the user\'s, and mistakes in one line', () => {
    const custom = runHub(['bench', '-m', 'lac', '-c', '1', '-d', '1', '--url', server!.url, '--body', '{"text":"今天是个好日子"}']);
    assert.equal(custom.status, 0, custom.stderr);
    assert.match(custom.stdout, /^body: \{"text":"今天是个好日子"\}$/m);
    const file = join(mkdtempSync(join(tmpdir(), 'bench-body-')), 'body.json');
    writeFileSync(file, JSON.stringify({ text: ['天气预报说今天要下雨'] }));
    const fromFile = runHub(['bench', '-m', 'lac', '-c', '1', '-d', '1', '--url', server!.url, '--body', `@${file}`]);
    assert.equal(fromFile.status, 0, fromFile.stderr);
    assert.match(fromFile.stdout, /^body: \{"text":\["天气预报说今天要下雨"\]\}$/m);
    assert.equal(runHub(['bench', '-m', 'lac', '--url', server!.url, '--body', '@/nonexistent.json']).stderr, 'error: --body: cannot read /nonexistent.json (no such file)\n');
    const unknown = runHub(['bench', '-m', 'nope', '-d', '1', '--url', server!.url]);
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stderr, 'error: --module: nope is not a module we know; give --body for a server of another kind\n');
    const bad = runHub(['bench', '-m', 'lac', '-c', '0', '--url', server!.url]);
    assert.equal(bad.stderr, 'error: --connections: 0 is not allowed: expected an integer from 1 to 1024\n');
  });
});

describe('hub bench on its own', { skip: await lacSkipReason() }, () => {
  test('starts a server on loopback for the run and stops it', () => {
    const r = runHub(['bench', '-m', 'lac', '-c', '2', '-d', '1']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\(server started for this run\)$/m);
    assert.match(r.stdout, /^statuses  200: \d+$/m);
  });
});
