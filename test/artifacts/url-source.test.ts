import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SourceError, fetchVerified, fromLocalPath } from '../../src/artifacts/url-source.js';
import { freePort } from '../helpers/cli.js';

// Downloads against a real HTTP server on 127.0.0.1, and local paths on a temporary folder.

const body = randomBytes(200_000);
const sum = createHash('sha256').update(body).digest('hex');
const wrongSum = 'ab'.repeat(32);

function serve(): Server {
  return createServer((req, res) => {
    switch (req.url) {
      case '/weights.bin':
        res.writeHead(200, { 'content-length': body.length });
        res.end(body);
        return;
      case '/chunked.bin': // no Content-Length: only counting can enforce the limit
        res.writeHead(200);
        for (let i = 0; i < body.length; i += 16_384) res.write(body.subarray(i, i + 16_384));
        res.end();
        return;
      case '/moved':
        res.writeHead(302, { location: '/weights.bin' });
        res.end();
        return;
      case '/short.bin':
        res.writeHead(200, { 'content-length': body.length });
        res.write(body.subarray(0, 1000), () => res.destroy());
        return;
      case '/stall.bin':
        res.writeHead(200, { 'content-length': body.length });
        res.write(body.subarray(0, 1000));
        return; // and never more
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not here');
    }
  });
}

const partFiles = (dir: string) => readdirSync(dir).filter((f) => f.includes('.part-'));

describe('fetchVerified', () => {
  let server: Server;
  let base = '';
  let dir = '';

  before(async () => {
    server = serve();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dir = mkdtempSync(join(tmpdir(), 'url-source-'));
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  test('the pinned sum: the file lands at dest, progress reaches the total, no temporary file stays', async () => {
    const seen: [number, number | undefined][] = [];
    const dest = join(dir, 'sub', 'good.bin');
    const got = await fetchVerified(`${base}/weights.bin`, sum.toUpperCase(), dest, (received, total) => seen.push([received, total]));
    assert.deepEqual(got, { path: dest, sha256: sum, bytes: body.length, url: `${base}/weights.bin` });
    assert.ok(readFileSync(dest).equals(body));
    assert.deepEqual(seen[0], [0, body.length]);
    assert.deepEqual(seen.at(-1), [body.length, body.length]);
    assert.ok(seen.every(([r], i) => i === 0 || r >= seen[i - 1]![0]), 'progress never goes back');
    assert.deepEqual(partFiles(join(dir, 'sub')), []);
  });

  test('redirects are followed and a body without Content-Length is fine', async () => {
    assert.equal((await fetchVerified(`${base}/moved`, sum, join(dir, 'moved.bin'))).bytes, body.length);
    const seen: (number | undefined)[] = [];
    await fetchVerified(`${base}/chunked.bin`, sum, join(dir, 'chunked.bin'), (_, total) => seen.push(total));
    assert.ok(seen.every((t) => t === undefined), 'no total announced');
    assert.ok(readFileSync(join(dir, 'chunked.bin')).equals(body));
  });

  test('a wrong sum names both sums, and neither a file nor a temporary is left (an old file stays as it was)', async () => {
    const dest = join(dir, 'bad.bin');
    await assert.rejects(fetchVerified(`${base}/weights.bin`, wrongSum, dest), (error: Error) => {
      assert.ok(error instanceof SourceError);
      assert.equal(error.message, `checksum mismatch for ${base}/weights.bin: expected sha256 ${wrongSum}, got ${sum}; the download was discarded`);
      return true;
    });
    assert.equal(existsSync(dest), false);
    writeFileSync(dest, 'old');
    await assert.rejects(fetchVerified(`${base}/weights.bin`, wrongSum, dest), /checksum mismatch/);
    assert.equal(readFileSync(dest, 'utf8'), 'old');
    assert.deepEqual(partFiles(dir), []);
  });

  test('404 and a refused connection say the URL and suggest a local path', async () => {
    await assert.rejects(fetchVerified(`${base}/nothing.bin`, sum, join(dir, 'nothing.bin')),
      new RegExp(`^SourceError: cannot download ${base}/nothing\\.bin: HTTP 404 Not Found; download the file another way and give its local path instead$`));
    const closed = await freePort();
    await assert.rejects(fetchVerified(`http://127.0.0.1:${closed}/w.bin`, sum, join(dir, 'w.bin'), undefined, { localHint: 'put it in init_args.directory instead' }),
      new RegExp(`^SourceError: cannot download http://127\\.0\\.0\\.1:${closed}/w\\.bin: connection refused; put it in init_args\\.directory instead$`));
    assert.equal(existsSync(join(dir, 'nothing.bin')), false);
  });

  test('more than the limit is refused: by the announced length, and by counting when none is announced', async () => {
    await assert.rejects(fetchVerified(`${base}/weights.bin`, sum, join(dir, 'big.bin'), undefined, { maxBytes: 100_000 }),
      new RegExp(`cannot download ${base}/weights\\.bin: it is 200000 bytes, more than the limit of 100000 bytes; nothing was saved`));
    await assert.rejects(fetchVerified(`${base}/chunked.bin`, sum, join(dir, 'big.bin'), undefined, { maxBytes: 100_000 }),
      /chunked\.bin: it sent more than the limit of 100000 bytes; the download was stopped and nothing was saved/);
    assert.equal(existsSync(join(dir, 'big.bin')), false);
    assert.deepEqual(partFiles(dir), []);
  });

  test('a connection that ends early or stalls fails with the reason', async () => {
    await assert.rejects(fetchVerified(`${base}/short.bin`, sum, join(dir, 'short.bin')), /cannot download .*short\.bin: /);
    await assert.rejects(fetchVerified(`${base}/stall.bin`, sum, join(dir, 'stall.bin'), undefined, { idleTimeoutMs: 300 }),
      /cannot download .*stall\.bin: no data arrived for 0\.3 s; download the file another way/);
    assert.deepEqual(partFiles(dir), []);
  });

  test('only http(s), and only well-formed sums', async () => {
    await assert.rejects(fetchVerified('ftp://example.org/w.bin', sum, join(dir, 'x')), /only http and https URLs are supported/);
    await assert.rejects(fetchVerified(`${base}/weights.bin`, 'abc', join(dir, 'x')), /the pinned sha256 of .* "abc" is not a sha256 sum \(64 hex digits\)/);
    await assert.rejects(fetchVerified('not a url', sum, join(dir, 'x')), /"not a url" is not a URL/);
  });
});

describe('fromLocalPath', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-source-'));
  const file = join(dir, 'model.onnx');
  writeFileSync(file, body);

  test('a file: its sum, checked against a pinned one', async () => {
    assert.deepEqual(await fromLocalPath(file), { path: file, kind: 'file', bytes: body.length, sha256: sum });
    assert.equal((await fromLocalPath(file, sum)).sha256, sum);
    await assert.rejects(fromLocalPath(file, wrongSum, 'HUB_SENTA_DIR'), new RegExp(`checksum mismatch for HUB_SENTA_DIR ${file}: expected sha256 ${wrongSum}, got ${sum}`));
  });

  test('a folder, a folder with a sum, and a path that does not exist', async () => {
    assert.deepEqual(await fromLocalPath(dir), { path: dir, kind: 'directory' });
    await assert.rejects(fromLocalPath(dir, sum, 'init_args.directory'), /init_args\.directory .* is a folder; a sha256 pins a single file/);
    await assert.rejects(fromLocalPath('/nonexistent/senta', undefined, 'init_args.directory'), /^SourceError: init_args\.directory \/nonexistent\/senta does not exist$/);
  });
});
