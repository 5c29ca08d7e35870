import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fetchDebianPackage } from '../../src/artifacts/debian.js';
import { LAC_SYSTEM_DIR, freshHubHome, lacWeights, requireLacOrSkip, runHub } from '../helpers/cli.js';

// Every place LAC's weights can come from: Debian's archive, a folder named by init_args or the environment.

test('without HUB_LAC_DIR, lac installs from python3-jieba: installed, or fetched with apt-get download', async (t) => {
  const apt = spawnSync('apt-get', ['--version']);
  if (apt.status !== 0) {
    const why = 'apt-get is not on this machine';
    if (process.env.CI === 'true') throw new Error(why);
    console.warn(`SKIPPING: ${why}`);
    t.skip(why);
    return;
  }
  // HUB_LAC_DIR unset, so the module looks for itself (the 17 MB download, where the package is not installed).
  const r = runHub(['install', 'lac'], { HUB_HOME: freshHubHome(), HUB_LAC_DIR: '' }, 600_000);
  assert.equal(r.status, 0, r.stderr);
  const from = existsSync(LAC_SYSTEM_DIR) ? `(${LAC_SYSTEM_DIR})` : '(apt-get download)';
  assert.ok(r.stdout.includes(`lac: installed from Debian package python3-jieba ${from}`), r.stdout);
});

test('a package that does not exist is a clear one-line error naming what to run', async () => {
  await assert.rejects(fetchDebianPackage('no-such-package-hub-serving', mkdtempSync(join(tmpdir(), 'deb-'))), (error: Error) =>
    /^could not get Debian package no-such-package-hub-serving: E: Unable to locate package no-such-package-hub-serving; (run `apt-get update` as root, then try again|see `apt-get download no-such-package-hub-serving`)$/.test(error.message));
});

test('HUB_LAC_DIR names a folder to install from; a wrong one is named in the error', async (t) => {
  if (!(await requireLacOrSkip(t))) return;
  const copy = mkdtempSync(join(tmpdir(), 'lac-copy-'));
  cpSync((await lacWeights()).path!, join(copy, 'jieba', 'lac_small'), { recursive: true });
  const home = freshHubHome();
  const ok = runHub(['install', 'lac'], { HUB_HOME: home, HUB_LAC_DIR: copy });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`installed from HUB_LAC_DIR ${copy}/jieba/lac_small`));
  const bad = runHub(['install', 'lac'], { HUB_HOME: home, HUB_LAC_DIR: '/nonexistent' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /HUB_LAC_DIR=\/nonexistent holds no LAC model/);
});
