import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { placeFolder, writeFileAtomic, writeFileWith, writeJsonAtomic } from '../../src/artifacts/atomic.js';
import { findPrepared, placePrepared } from '../../src/artifacts/prepared-cache.js';

// Files and folders under HUB_HOME reach their names at once or not at all; a writer that finds the work done
// by another keeps that work.

const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('.'));

describe('atomic files', () => {
  test('a file is written whole, in a folder made for it, with the mode asked for', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'atomic-')), 'deep', 'er');
    await writeJsonAtomic(join(dir, 'record.json'), { a: 1 }, { mode: 0o600 });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')), { a: 1 });
    assert.equal(statSync(join(dir, 'record.json')).mode & 0o777, 0o600);
    await writeFileAtomic(join(dir, 'record.json'), 'replaced');
    assert.equal(readFileSync(join(dir, 'record.json'), 'utf8'), 'replaced');
    assert.deepEqual(leftovers(dir), []);
  });

  test('a write that fails leaves the old file and no temporary one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    writeFileSync(join(dir, 'f'), 'old');
    await assert.rejects(writeFileWith(join(dir, 'f'), async (file) => {
      await file.write('half');
      throw new Error('the source broke off');
    }, { tag: 'part' }), /the source broke off/);
    assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'old');
    assert.deepEqual(leftovers(dir), []);
  });
});

describe('atomic folders', () => {
  test('a folder is placed whole; a failed fill leaves nothing', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'place-'));
    const dest = join(parent, 'prepared');
    await assert.rejects(placeFolder(dest, async (staging) => {
      writeFileSync(join(staging, 'a'), 'x');
      throw new Error('conversion failed');
    }), /conversion failed/);
    assert.deepEqual(readdirSync(parent), []);
    assert.equal(await placeFolder(dest, async (staging) => writeFileSync(join(staging, 'a'), 'x')), true);
    assert.deepEqual(readdirSync(parent), ['prepared']);
    assert.deepEqual(readdirSync(dest), ['a']);
  });

  test('a folder another writer placed first is kept or replaced, as the caller decides', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'place-'));
    const dest = join(parent, 'prepared');
    // The other writer finishes while ours is being filled.
    const theirs = async (staging: string) => {
      mkdirSync(dest);
      writeFileSync(join(dest, 'by'), 'them');
      writeFileSync(join(staging, 'by'), 'us');
    };
    assert.equal(await placeFolder(dest, theirs, () => true), false);
    assert.equal(readFileSync(join(dest, 'by'), 'utf8'), 'them');
    assert.deepEqual(readdirSync(parent), ['prepared']);

    assert.equal(await placeFolder(dest, async (staging) => writeFileSync(join(staging, 'by'), 'us')), true);
    assert.equal(readFileSync(join(dest, 'by'), 'utf8'), 'us');
    assert.deepEqual(readdirSync(parent), ['prepared']);
  });

  test('a prepared folder is complete only with its record; two installs of the same checksum agree', async () => {
    process.env.HUB_HOME = mkdtempSync(join(tmpdir(), 'hub-prepared-'));
    const cache = { module: 'm', needs: ['model.onnx'] };
    const checksum = 'ab'.repeat(32);
    assert.equal(findPrepared(cache, checksum, 'src'), undefined);
    const write = (text: string) => async (dir: string) => writeFileSync(join(dir, 'model.onnx'), text);
    const [first, second] = await Promise.all([
      placePrepared(cache, { source: 'src', checksum, by: 1 }, write('one')),
      placePrepared(cache, { source: 'src', checksum, by: 2 }, write('two')),
    ]);
    assert.equal(first.directory, second.directory);
    assert.equal(first.directory, join(process.env.HUB_HOME, 'modules', 'm', 'abababababababab'));
    const info = JSON.parse(readFileSync(join(first.directory, 'info.json'), 'utf8')) as { by: number; source: string; checksum: string };
    assert.deepEqual({ source: info.source, checksum: info.checksum }, { source: 'src', checksum });
    assert.equal(readFileSync(join(first.directory, 'model.onnx'), 'utf8'), info.by === 1 ? 'one' : 'two', 'one writer\'s folder, whole');
    assert.deepEqual(findPrepared(cache, checksum, 'src'), { source: 'src', directory: first.directory, checksum, fresh: false });
    assert.deepEqual(readdirSync(join(process.env.HUB_HOME, 'modules', 'm')), ['abababababababab']);
  });
});
