import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { post, lacSkipReason, startServer, type RunningServer } from '../helpers/cli.js';

// Memory is bounded by the pipeline's element budget, not by what a request asks for: one request of 1,024
// texts x 1,000 characters in one batch (batch_size 1024) took the server past 7.8 GB before the budget.

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const SENTENCES = '今天是个好日子天气预报说今天要下雨百度是一家高科技公司我在北京天安门广场见到了张三';

/** Samples the server's RSS until `work` settles; answers the work's result and the highest RSS seen. */
async function peakDuring<T>(pid: number, work: Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssMb(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 25);
  try {
    const result = await work;
    return { result, peak: Math.max(peak, rssMb(pid)) };
  } finally {
    clearInterval(sampler);
  }
}

describe('lac memory', { skip: await lacSkipReason() }, () => {
  let server: RunningServer | undefined;

  let firstAnswer: unknown;

  before(async () => {
    // At info, the log says when the idle server renewed its sessions.
    server = await startServer(['-m', 'lac', '--host', '127.0.0.1'], { HUB_LOG_LEVEL: 'info' });
    firstAnswer = (await post(`${server.url}/predict/lac`, { text: ['今天是个好日子', '我在北京天安门广场见到了张三。'] })).body.results;
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  test('1,024 texts of 1,000 characters with batch_size 1024: answered whole, RSS stays under 1.5 GB', async () => {
    const text = SENTENCES.repeat(30).slice(0, 1000);
    const texts = Array.from({ length: 1024 }, () => text);
    const before = rssMb(server!.child.pid!);
    const { result: reply, peak } = await peakDuring(server!.child.pid!, post(`${server!.url}/predict/lac`, { text: texts, batch_size: 1024 }));
    assert.equal(reply.body.status, '000', reply.text.slice(0, 300));
    const results = reply.body.results as { word: string[] }[];
    assert.equal(results.length, 1024);
    assert.ok(results.every((r) => r.word.join('') === text), 'every text comes back whole');
    assert.ok(peak < 1536, `peak RSS ${peak.toFixed(0)} MB (before: ${before.toFixed(0)} MB)`);
  });

  test('once idle after it, the sessions are renewed and memory handed back; answers are unchanged', async () => {
    const texts = ['今天是个好日子', '我在北京天安门广场见到了张三。'];
    // The large request of the test above ran the model; the idle server renews its sessions on its own.
    let line: string | undefined;
    for (let i = 0; i < 300 && !line; i++) {
      line = server!.stderr().split('\n').find((l) => l.includes('memory returned'));
      if (!line) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(line, `no renewal logged within 30 s:\n${server!.stderr().slice(-2000)}`);
    const logged = JSON.parse(line) as { models: string[]; threads: number; rss_before_mb: number; rss_after_mb: number };
    assert.deepEqual(logged.models, ['lac']);
    assert.ok(logged.threads >= 1, line);
    assert.ok(logged.rss_after_mb < logged.rss_before_mb, line);
    const reply = await post(`${server!.url}/predict/lac`, { text: texts });
    assert.equal(reply.body.status, '000');
    assert.deepEqual(reply.body.results, firstAnswer, 'the renewed sessions answer as the first ones did');
  });

  test('a 100,000-character text is cut at sentence ends: each sentence is analysed as on its own', async () => {
    const sentence = '我在北京天安门广场见到了张三。';
    const long = sentence.repeat(Math.floor(100_000 / sentence.length));
    const reply = await post(`${server!.url}/predict/lac`, { text: [long, sentence] });
    assert.equal(reply.body.status, '000');
    const [whole, alone] = reply.body.results as { word: string[]; tag: string[] }[];
    assert.equal(whole!.word.join(''), long);
    const own = alone!.word.map((w, i) => `${w}/${alone!.tag[i]}`).join(' ');
    const pieces = whole!.word.map((w, i) => `${w}/${whole!.tag[i]}`).join(' ');
    assert.equal(pieces, Array.from({ length: long.length / sentence.length }, () => own).join(' '));
  });
});
