import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { expectError, lacSkipReason, post, startServer, type RunningServer } from '../helpers/cli.js';
import { RawClient, exchange, httpRequest, writeOneByteChunks } from '../server/raw-http.js';

// The real `hub serving start -m lac` against hostile and awkward bodies: a flood of one-byte chunks keeps
// memory bounded, a client that writes before reading gets its 413, half-closed requests are answered, and
// the server still predicts and stops cleanly afterwards.

const LAC_REQUEST = { text: ['今天是个好日子'] };
const LAC_WORDS = ['今天', '是', '个', '好日子'];
const MB = 1024 * 1024;

/** Resident memory of a process in MB, from /proc. */
function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(match, 'VmRSS in /proc/<pid>/status');
  return Number(match[1]) / 1024;
}

describe('request bodies against the real server', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;
  let port = 0;
  let url = '';

  before(async () => {
    server = await startServer(['-m', 'lac', '--host', '127.0.0.1']);
    port = server.port;
    url = server.url;
  });
  after(async () => {
    // SIGTERM still ends the process cleanly after everything below (the multipart file-count case included).
    if (server) assert.equal(await server.stop(), 0, server.stderr());
  });

  const lacWorks = async () => {
    const reply = await post(`${url}/predict/lac`, LAC_REQUEST);
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual((reply.body.results as { word: string[] }[])[0]!.word, LAC_WORDS);
  };

  test('8 MB sent as 8,000,000 one-byte chunks is answered with memory bounded, and lac still answers', async (t) => {
    await lacWorks();
    const pid = server!.child.pid!;
    const baseline = rssMb(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
    const body = Buffer.alloc(8_000_000, 0x61);
    Buffer.from('{"text":["').copy(body);
    Buffer.from('"]}').copy(body, body.length - 3);
    const client = await RawClient.open(port);
    try {
      await client.write('POST /predict/lac HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      await writeOneByteChunks(client, body);
      const reply = await client.reply(120_000);
      // One text of 8 MB: refused by lac's text limit (400) or by the body limit (413); answered either way.
      assert.ok(reply.status === 400 || reply.status === 413, reply.text);
      assert.match(reply.body.status, /^11[35]$/);
    } finally {
      clearInterval(sampler);
      client.destroy();
    }
    peak = Math.max(peak, rssMb(pid));
    t.diagnostic(`server RSS: ${baseline.toFixed(0)} MB before, ${peak.toFixed(0)} MB at the peak, ${rssMb(pid).toFixed(0)} MB after`);
    assert.ok(peak - baseline < 400, `RSS grew by ${(peak - baseline).toFixed(0)} MB`);
    await lacWorks();
  });

  test('a client that writes a whole 20 MB body before reading reads the 413 envelope', async () => {
    const client = await RawClient.open(port);
    try {
      await client.write(httpRequest('/predict/lac', Buffer.alloc(20 * MB, 0x20), { 'Content-Type': 'application/json' }));
      expectError(await client.reply(), 413, '115', /larger than the limit of 8388608 bytes/);
    } finally {
      client.destroy();
    }
  });

  test('a half-closed POST is answered', async () => {
    const reply = await exchange(port, httpRequest('/predict/lac', JSON.stringify(LAC_REQUEST), { 'Content-Type': 'application/json' }), { halfClose: true });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual((reply.body.results as { word: string[] }[])[0]!.word, LAC_WORDS);
  });

  test('curl -d without -H (form content type) with a JSON body is accepted', async () => {
    const reply = await post(`${url}/predict/lac`, JSON.stringify(LAC_REQUEST), { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual((reply.body.results as { word: string[] }[])[0]!.word, LAC_WORDS);
  });

  test('JSON nested 100,000 deep is a 400 naming the depth limit', async () => {
    expectError(await post(`${url}/predict/lac`, `{"text":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), 400, '121', /deeper than the limit of 64 levels/);
  });

  test('HTTP-level refusals are the envelope: 400 malformed, 431 headers too large', async () => {
    expectError(await exchange(port, 'NOT HTTP AT ALL\r\n\r\n'), 400, '131', /not valid HTTP/);
    expectError(await exchange(port, `POST /predict/lac HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`), 431, '123', /headers are larger/);
  });

  test('multipart: no boundary or unterminated is 400; 100 small files is the file count, not 413', async () => {
    const type = { 'content-type': 'multipart/form-data; boundary=xyz' };
    const part = '--xyz\r\nContent-Disposition: form-data; name="images"; filename="a.bin"\r\n\r\nabc';
    expectError(await post(`${url}/predict/lac`, part, { 'content-type': 'multipart/form-data' }), 400, '132', /multipart body is malformed/);
    expectError(await post(`${url}/predict/lac`, part, type), 400, '132', /multipart body is malformed/);
    const form = new FormData();
    for (let i = 0; i < 100; i++) form.append('images', new Blob([new Uint8Array(10 * 1024)]), `f${i}.bin`);
    const response = await fetch(`${url}/predict/lac`, { method: 'POST', body: form });
    const text = await response.text();
    expectError({ status: response.status, body: JSON.parse(text), headers: response.headers, text }, 400, '120', /at most 64 files per request/);
    await lacWorks();
  });
});
