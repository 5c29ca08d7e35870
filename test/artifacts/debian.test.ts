import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fetchDebianPackage, listsNeedUpdate } from '../../src/artifacts/debian.js';

// When a download of a Debian package may try `apt-get update` first: apt does not know the package, and we are root.

test('apt lists are updated only for an unknown package, and only by root', () => {
  const unknown = 'E: Unable to locate package python3-jieba';
  assert.equal(listsNeedUpdate(unknown, 0), true);
  assert.equal(listsNeedUpdate("E: Package 'darknet' has no installation candidate", 0), true);
  assert.equal(listsNeedUpdate("E: Can't select candidate version from package fonts-wqy-microhei as it has no candidate", 0), true);
  assert.equal(listsNeedUpdate(unknown, 1000), false, 'a user cannot update the lists');
  assert.equal(listsNeedUpdate(unknown, undefined), false, 'no uid (not POSIX)');
  assert.equal(listsNeedUpdate('E: Failed to fetch http://deb.example/pool/x.deb  Could not resolve host', 0), false, 'the network, not the lists');
  assert.equal(listsNeedUpdate('', 0), false);
});

test('as root with empty apt lists, the lists are updated and the package fetched', async (t) => {
  if (process.getuid?.() !== 0) {
    console.warn('SKIPPING: only root may update apt lists');
    t.skip('not root');
    return;
  }
  // An empty lists folder of apt's own (APT_CONFIG reaches the apt-get children), so the machine's stay as they are.
  const dir = mkdtempSync(join(tmpdir(), 'apt-empty-'));
  const lists = join(dir, 'lists');
  mkdirSync(join(lists, 'partial'), { recursive: true });
  writeFileSync(join(dir, 'apt.conf'), `Dir::State::Lists "${lists}";\n`);
  const saved = process.env.APT_CONFIG;
  process.env.APT_CONFIG = join(dir, 'apt.conf');
  try {
    const { root, dispose } = await fetchDebianPackage('facedetect', dir);
    assert.ok(existsSync(join(root, 'usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg')));
    assert.ok(readdirSync(lists).some((f) => f.endsWith('_Packages') || f.includes('_Packages.')), 'apt-get update filled the lists');
    await dispose();
  } finally {
    if (saved === undefined) delete process.env.APT_CONFIG;
    else process.env.APT_CONFIG = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
