import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checksumFiles } from '../../src/artifacts/checksum.js';
import { sourceChecksum } from '../../src/artifacts/source-fingerprint.js';

// A restart finds prepared weights by the fingerprint of their source files' metadata instead of reading them,
// once their checksum is known; any change to a file, and any install, reads the content again.

function sources(names = ['a.bin', 'b.bin']): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'fingerprint-src-'));
  return names.map((name, i) => {
    writeFileSync(join(dir, name), `content ${i} of ${name}`);
    return join(dir, name);
  });
}

const record = (module: string) => join(process.env.HUB_HOME!, 'modules', module, 'source-fingerprints.json');
const remembered = (module: string) => JSON.parse(readFileSync(record(module), 'utf8')) as Record<string, string>;

describe('source fingerprints', () => {
  test('remembered files are known by their fingerprint; a rewritten or replaced file, or an install, reads the content', async () => {
    process.env.HUB_HOME = mkdtempSync(join(tmpdir(), 'hub-fingerprint-'));
    const files = sources();
    const first = await sourceChecksum('m', files, { settledMs: 0 });
    assert.equal(first.checksum, await checksumFiles(files));
    await first.remember();
    const [fingerprint] = Object.keys(remembered('m'));
    assert.deepEqual(remembered('m'), { [fingerprint!]: first.checksum });

    // What is remembered is what a restart gets: set it apart to see that the files were not read.
    const marker = 'f'.repeat(64);
    writeFileSync(record('m'), JSON.stringify({ [fingerprint!]: marker }));
    assert.equal((await sourceChecksum('m', files)).checksum, marker);
    assert.equal((await sourceChecksum('m', files, { fromContent: true })).checksum, first.checksum, 'an install reads the files');

    // Rewritten in place, same size: its times change.
    writeFileSync(files[1]!, 'content 1 of b.biX');
    for (const file of files) utimesSync(file, 1_000_000, 1_000_000);
    const rewritten = await sourceChecksum('m', files, { settledMs: 0 });
    assert.equal(rewritten.checksum, await checksumFiles(files));
    assert.notEqual(rewritten.checksum, first.checksum);

    // Replaced by a copy with the same bytes and times: another inode.
    await rewritten.remember();
    writeFileSync(record('m'), JSON.stringify(Object.fromEntries(Object.keys(remembered('m')).map((k) => [k, marker]))));
    writeFileSync(`${files[0]}.new`, readFileSync(files[0]!));
    renameSync(`${files[0]}.new`, files[0]!);
    utimesSync(files[0]!, 1_000_000, 1_000_000);
    assert.equal((await sourceChecksum('m', files)).checksum, rewritten.checksum);
  });

  test('files changed too recently to be sure of their timestamps are not remembered', async () => {
    process.env.HUB_HOME = mkdtempSync(join(tmpdir(), 'hub-fingerprint-'));
    const files = sources();
    const inAnHour = Date.now() / 1000 + 3600;
    utimesSync(files[0]!, inAnHour, inAnHour);
    await (await sourceChecksum('m', files)).remember();
    assert.equal(existsSync(record('m')), false);
  });

  test('a HUB_HOME that cannot be written is no failure: the checksum is read from the files', async () => {
    const notAFolder = join(mkdtempSync(join(tmpdir(), 'hub-fingerprint-')), 'file');
    writeFileSync(notAFolder, '');
    process.env.HUB_HOME = notAFolder;
    const files = sources();
    const sum = await sourceChecksum('m', files, { settledMs: 0 });
    assert.equal(sum.checksum, await checksumFiles(files));
    await sum.remember();
    assert.equal((await sourceChecksum('m', files)).checksum, sum.checksum);
  });

  test('each module keeps the fingerprints of its last eight sources', async () => {
    process.env.HUB_HOME = mkdtempSync(join(tmpdir(), 'hub-fingerprint-'));
    const sums: string[] = [];
    for (let i = 0; i < 9; i++) {
      const sum = await sourceChecksum('m', sources([`f${i}.bin`]), { settledMs: 0 });
      await sum.remember();
      sums.push(sum.checksum);
    }
    assert.deepEqual(Object.values(remembered('m')), sums.slice(1));
    assert.equal(existsSync(record('other')), false);
  });
});
