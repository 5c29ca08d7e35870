import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fetchDebianPackage, listsRecovery, privateListOptions } from '../../src/artifacts/debian.js';

// When a download of a Debian package updates apt's lists first: apt does not know the package. Root updates the
// machine's lists; any other user a private copy under HUB_HOME.

test("apt's lists are updated only for an unknown package: the machine's by root, a private copy by anyone else", () => {
  const unknown = 'E: Unable to locate package python3-jieba';
  assert.equal(listsRecovery(unknown, 0), 'system');
  assert.equal(listsRecovery("E: Package 'darknet' has no installation candidate", 0), 'system');
  assert.equal(listsRecovery("E: Can't select candidate version from package fonts-wqy-microhei as it has no candidate", 0), 'system');
  assert.equal(listsRecovery(unknown, 1000), 'private', 'a user cannot update the machine\'s lists');
  assert.equal(listsRecovery(unknown, undefined), 'private', 'no uid (not POSIX)');
  assert.equal(listsRecovery('E: Failed to fetch http://deb.example/pool/x.deb  Could not resolve host', 0), undefined, 'the network, not the lists');
  assert.equal(listsRecovery('', 1000), undefined);
});

test('the private copy of the lists lives in its own folder, compressed, without caches', () => {
  const options = privateListOptions('/home/u/.hub-serving/apt');
  const values = options.filter((_, i) => i % 2 === 1);
  assert.ok(options.filter((_, i) => i % 2 === 0).every((flag) => flag === '-o'));
  assert.ok(values.includes('Dir::State::Lists=/home/u/.hub-serving/apt/lists'));
  assert.ok(values.includes('Dir::Cache=/home/u/.hub-serving/apt/cache'));
  assert.ok(values.includes('Acquire::GzipIndexes=true'));
  assert.ok(values.includes('Acquire::Languages=none'));
  assert.ok(values.includes('Dir::Cache::pkgcache='));
});

/** Points apt's own lists at an empty folder for `run` (APT_CONFIG reaches the apt-get children), so the machine's stay as they are. */
async function withEmptySystemLists<T>(run: (dir: string, lists: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'apt-empty-'));
  const lists = join(dir, 'lists');
  mkdirSync(join(lists, 'partial'), { recursive: true });
  writeFileSync(join(dir, 'apt.conf'), `Dir::State::Lists "${lists}";\n`);
  const saved = process.env.APT_CONFIG;
  process.env.APT_CONFIG = join(dir, 'apt.conf');
  try {
    return await run(dir, lists);
  } finally {
    if (saved === undefined) delete process.env.APT_CONFIG;
    else process.env.APT_CONFIG = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

const hasPackages = (lists: string) => readdirSync(lists).some((f) => f.endsWith('_Packages') || f.includes('_Packages.'));

test('as a user with empty apt lists, a private copy of the lists is made under HUB_HOME and the package fetched', async () => {
  await withEmptySystemLists(async (dir, lists) => {
    const savedHome = process.env.HUB_HOME;
    process.env.HUB_HOME = join(dir, 'home');
    try {
      // uid 1000: the path of a user who may not update the machine's lists, whoever runs the test.
      const { root, dispose } = await fetchDebianPackage('facedetect', dir, 1000);
      assert.ok(existsSync(join(root, 'usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg')));
      assert.ok(hasPackages(join(dir, 'home', 'apt', 'lists')), 'the private lists were filled');
      assert.equal(hasPackages(lists), false, "the machine's lists were left alone");
      await dispose();
    } finally {
      if (savedHome === undefined) delete process.env.HUB_HOME;
      else process.env.HUB_HOME = savedHome;
    }
  });
});

test('as root with empty apt lists, the lists are updated and the package fetched', async (t) => {
  if (process.getuid?.() !== 0) {
    console.warn('SKIPPING: only root may update the machine\'s apt lists (a user\'s private copy is tested above)');
    t.skip('not root');
    return;
  }
  await withEmptySystemLists(async (dir, lists) => {
    const { root, dispose } = await fetchDebianPackage('facedetect', dir);
    assert.ok(existsSync(join(root, 'usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg')));
    assert.ok(hasPackages(lists), 'apt-get update filled the lists');
    await dispose();
  });
});
