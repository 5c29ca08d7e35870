import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fetchDebianPackage } from '../../src/hub/debian.js';
import { findLacDir } from '../../src/modules/lac/weights.js';
import { LAC_SYSTEM_DIR, freshHubHome, requireLacOrSkip, runHub } from '../helpers/cli.js';

// Every place LAC's weights can come from: Debian's archive, a folder named by init_args or the environment.

test('apt-get download + dpkg-deb -x yields a lac_small folder', async (t) => {
  const apt = spawnSync('apt-get', ['--version']);
  if (apt.status !== 0) {
    const why = 'apt-get is not on this machine';
    if (process.env.CI === 'true') throw new Error(why);
    console.warn(`SKIPPING: ${why}`);
    t.skip(why);
    return;
  }
  const { root, dispose } = await fetchDebianPackage('python3-jieba', mkdtempSync(join(tmpdir(), 'deb-')));
  try {
    const dir = findLacDir(root);
    assert.ok(dir, 'the unpacked package holds jieba/lac_small');
    assert.match(dir!, /jieba\/lac_small$/);
  } finally {
    await dispose();
  }
});

test('a package that does not exist is a clear error', async () => {
  await assert.rejects(fetchDebianPackage('no-such-package-hub-serving', mkdtempSync(join(tmpdir(), 'deb-'))), /could not get Debian package no-such-package-hub-serving/);
});

test('HUB_LAC_DIR names a folder to install from; a wrong one is named in the error', (t) => {
  if (!requireLacOrSkip(t)) return;
  const copy = mkdtempSync(join(tmpdir(), 'lac-copy-'));
  cpSync(LAC_SYSTEM_DIR, join(copy, 'jieba', 'lac_small'), { recursive: true });
  const home = freshHubHome();
  const ok = runHub(['install', 'lac'], { HUB_HOME: home, HUB_LAC_DIR: copy });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`installed from HUB_LAC_DIR ${copy}/jieba/lac_small`));
  const bad = runHub(['install', 'lac'], { HUB_HOME: home, HUB_LAC_DIR: '/nonexistent' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /HUB_LAC_DIR=\/nonexistent holds no LAC model/);
});
