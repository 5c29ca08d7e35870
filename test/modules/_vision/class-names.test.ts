import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  DARKNET_PACKAGE, IMAGENET_NAMES_MISSING, imagenetClassNames, imagenetNamesFromDarknet, labelFileNames, parseLabelFile,
} from '../../../src/modules/_vision/class-names.js';
import { darknetData } from './darknet.js';

// A fake ILSVRC list: 1000 ids from n01440764 to n15075141, given in a scrambled order with names that say
// their sorted position, followed by lines that are not ILSVRC classes (as darknet's 21,842-line lists are).
function fakeDarknetLists(): { wnids: string; names: string } {
  const ids = Array.from({ length: 1000 }, (_, i) => (i === 0 ? 'n01440764' : i === 999 ? 'n15075141' : `n0${(1500000 + i * 1000).toString().padStart(7, '0')}`));
  const order = ids.map((_, i) => (i * 7919) % 1000); // a permutation, since 7919 is prime
  const wnids = [...order.map((i) => ids[i]), 'n00000001', 'n00000002'].join('\n');
  const names = [...order.map((i) => `class ${i}`), 'extra a', 'extra b'].join('\n');
  return { wnids: `${wnids}\n`, names: `${names}\n` };
}

const darknet = await darknetData();

describe('class names', () => {
  test('label files: one class a line, WordNet ids and synonyms dropped, trailing blank lines ignored', () => {
    assert.deepEqual(parseLabelFile('n01440764 tench, Tinca tinca\ngoldfish\r\n  great white shark, white shark \n\n\n', 'f'), ['tench', 'goldfish', 'great white shark']);
    assert.throws(() => parseLabelFile('a\n\nb\n', 'labels.txt'), /labels.txt: line 2 names no class/);
    assert.throws(() => parseLabelFile('\n\n', 'labels.txt'), /labels.txt names no class/);
  });

  test('darknet lists are re-sorted by WordNet id and checked', () => {
    const { wnids, names } = fakeDarknetLists();
    const sorted = imagenetNamesFromDarknet(wnids, names);
    assert.equal(sorted.length, 1000);
    assert.deepEqual(sorted.slice(0, 3), ['class 0', 'class 1', 'class 2']);
    assert.equal(sorted[999], 'class 999');
    assert.throws(() => imagenetNamesFromDarknet(wnids.replace('n15075141', 'n15075142'), names), /not the ILSVRC-2012 classes/);
    assert.throws(() => imagenetNamesFromDarknet('n01440764\n', names), /fewer than 1000 lines/);
  });

  test("Debian's darknet package gives PaddleHub's ImageNet names", { skip: darknet.skip }, async () => {
    process.env.HUB_HOME = mkdtempSync(join(tmpdir(), 'hub-names-'));
    const found = await imagenetClassNames({ module: 'names_test', allowDownload: false, systemDir: darknet.path });
    assert.ok(found);
    assert.match(found.from, /darknet/);
    const { names } = found;
    assert.equal(names.length, 1000);
    // Index -> first synonym of Caffe's synset_words.txt, which PaddleHub reports.
    assert.equal(names[0], 'tench');
    assert.equal(names[1], 'goldfish');
    assert.equal(names[207], 'golden retriever');
    assert.equal(names[208], 'Labrador retriever');
    assert.equal(names[281], 'tabby');
    assert.equal(names[934], 'hotdog');
    assert.equal(names[999], 'toilet tissue');
    assert.equal(names.filter((n) => n === 'crane').length, 2, 'two classes are named crane, as in ImageNet');
  });

  test('without the package, apt-get download is tried once and its names are kept under HUB_HOME', async () => {
    process.env.HUB_HOME = mkdtempSync(join(tmpdir(), 'hub-names-'));
    const { wnids, names } = fakeDarknetLists();
    let fetched = 0;
    const fetchPackage = async (pkg: string, parent: string) => {
      assert.equal(pkg, DARKNET_PACKAGE);
      fetched++;
      const root = mkdtempSync(join(parent, 'fake-'));
      const data = join(root, 'usr', 'share', 'darknet', 'data');
      mkdirSync(data, { recursive: true });
      writeFileSync(join(data, 'imagenet.labels.list'), wnids);
      writeFileSync(join(data, 'imagenet.shortnames.list'), names);
      return { root, dispose: async () => {} };
    };
    const systemDir = join(tmpdir(), 'no-such-darknet');
    assert.equal(await imagenetClassNames({ module: 'm', allowDownload: false, systemDir, fetchPackage }), undefined, 'a check never downloads');
    const first = await imagenetClassNames({ module: 'm', allowDownload: true, systemDir, fetchPackage });
    assert.equal(first?.names[0], 'class 0');
    assert.match(first!.from, /apt-get download/);
    const again = await imagenetClassNames({ module: 'm', allowDownload: false, systemDir, fetchPackage });
    assert.deepEqual(again?.names, first!.names);
    assert.equal(fetched, 1);
    const failing = async () => { throw new Error('E: Unable to locate package darknet'); };
    process.env.HUB_HOME = mkdtempSync(join(tmpdir(), 'hub-names-'));
    await assert.rejects(imagenetClassNames({ module: 'm', allowDownload: true, systemDir, fetchPackage: failing }),
      (e: Error) => e.message.startsWith(IMAGENET_NAMES_MISSING) && /Unable to locate package darknet/.test(e.message));
  });

  test('labelFileNames names the file when it cannot be read', async () => {
    await assert.rejects(labelFileNames('/nonexistent/labels.txt'), /init_args.label_file \/nonexistent\/labels.txt cannot be read \(ENOENT\)/);
    const dir = mkdtempSync(join(tmpdir(), 'labels-'));
    writeFileSync(join(dir, 'l.txt'), 'cat\ndog\n');
    const got = await labelFileNames(join(dir, 'l.txt'));
    assert.deepEqual(got.names, ['cat', 'dog']);
    assert.equal(readFileSync(join(dir, 'l.txt'), 'utf8'), 'cat\ndog\n');
  });
});
