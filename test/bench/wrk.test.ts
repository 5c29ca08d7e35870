import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { resultsDir } from '../../bench/docs.js';
import { lacDocSection, type LacResults } from '../../bench/lac.report.js';
import { pickLoadGenerator, wrkLoadResult } from '../../bench/lib/load.js';
import { luaString, parseChildTimes, parseWrkSummary, runWrk, wrkArgs, wrkScript, type WrkSummary } from '../../bench/lib/wrk.js';

// The benches' wrk driver: the Lua script it writes, the summary line and `times` output it reads back, how a
// summary becomes the benches' figures and how the load generator is chosen; then one short real wrk run against
// a loopback server, which must receive the body byte for byte.

const WRK = '/usr/bin/wrk';

const SUMMARY: WrkSummary = {
  requests: 30120,
  durationUs: 3004512,
  errors: { connect: 0, read: 2, write: 1, status: 20, timeout: 3 },
  latencyUs: { p50: 1234, p99: 20567 },
};

describe('the Lua script', () => {
  test('a body becomes a Lua string of the same bytes: quotes and backslashes escaped, control characters as 3-digit codes, CJK as is', () => {
    assert.equal(luaString('{"a":"b\\\\c"}'), '"{\\"a\\":\\"b\\\\\\\\c\\"}"');
    assert.equal(luaString('x\n1\t\x7f'), '"x\\0101\\009\\127"');
    assert.equal(luaString('今天是个好日子'), '"今天是个好日子"');
  });

  test('posts the body as JSON and prints one marked JSON line from done()', () => {
    const script = wrkScript('{"texts":["今天"]}');
    assert.match(script, /^wrk\.method = "POST"$/m);
    assert.match(script, /^wrk\.headers\["Content-Type"\] = "application\/json"$/m);
    assert.ok(script.includes('wrk.body = "{\\"texts\\":[\\"今天\\"]}"'));
    assert.match(script, /^done = function\(summary, latency, requests\)$/m);
    assert.ok(script.includes('latency:percentile(50), latency:percentile(99)'));
    assert.ok(script.includes('[[wrk-summary {"requests":%d,"durationUs":%d,"errors":{"connect":%d,'));
  });
});

describe("reading wrk's output", () => {
  test('the marked summary line is found among the lines of wrk\'s own report', () => {
    const stdout = [
      'Running 3s test @ http://127.0.0.1:8866/predict/lac',
      '  2 threads and 64 connections',
      `wrk-summary ${JSON.stringify(SUMMARY)}`,
      'Requests/sec:  10025.12',
    ].join('\n');
    assert.deepEqual(parseWrkSummary(stdout), SUMMARY);
  });

  test('no summary line, or one with a missing or negative count, is an error', () => {
    assert.throws(() => parseWrkSummary('Running 3s test\n'), /no summary line/);
    assert.throws(() => parseWrkSummary(`wrk-summary ${JSON.stringify({ ...SUMMARY, requests: -1 })}`));
    assert.throws(() => parseWrkSummary('wrk-summary {"requests":1}'));
  });

  test("the children's line of `times` gives wrk's CPU seconds, as dash and bash print it", () => {
    assert.equal(parseChildTimes('wrk-summary {}\n0m0.004000s 0m0.001000s\n0m1.250000s 0m0.750000s\n'), 2);
    assert.equal(parseChildTimes('0m0.002s 0m0.001s\n2m3.500s 0m0.500s'), 124);
  });

  test('output without both lines of `times` is an error', () => {
    assert.throws(() => parseChildTimes('wrk-summary {}\n'), /no output of `times`/);
    assert.throws(() => parseChildTimes('0m1.250000s 0m0.750000s\n'), /no output of `times`/);
  });
});

describe('a run as the benches report it', () => {
  test('2 threads, 1 at concurrency 1 (wrk needs a connection per thread); whole seconds; a 10 s timeout', () => {
    assert.deepEqual(wrkArgs({ url: 'http://127.0.0.1:1/p', connections: 64, seconds: 3 }, '/tmp/s.lua'),
      ['-t', '2', '-c', '64', '-d', '3s', '--timeout', '10s', '-s', '/tmp/s.lua', 'http://127.0.0.1:1/p']);
    assert.deepEqual(wrkArgs({ url: 'http://127.0.0.1:1/p', connections: 1, seconds: 8 }, 's.lua').slice(0, 4), ['-t', '1', '-c', '1']);
  });

  test("status errors are the non-2xx; the rest of the answers are the 2xx; latencies in ms; closes are not counted", () => {
    const result = wrkLoadResult(SUMMARY, 64);
    assert.deepEqual(result, {
      connections: 64, seconds: 3, rps: 10018.3, p50Ms: 1.23, p99Ms: 20.57, ok: 30100, non2xx: 20, errors: 6, timeouts: 3,
    });
    assert.equal('closedByServer' in result, false);
  });

  test('with no successful answer there are no latencies', () => {
    const result = wrkLoadResult({ ...SUMMARY, requests: 20, latencyUs: { p50: 0, p99: 0 } }, 1);
    assert.equal(result.ok, 0);
    assert.ok(Number.isNaN(result.p50Ms) && Number.isNaN(result.p99Ms));
  });
});

describe('choosing the load generator', () => {
  test('wrk when it is installed, autocannon with the reason when it is not', () => {
    const wrk = pickLoadGenerator(undefined, WRK, 'debian/4.1.0-3+b2');
    assert.equal(wrk.tool, 'wrk');
    assert.equal(wrk.path, WRK);
    assert.match(wrk.description, /^wrk debian\/4\.1\.0-3\+b2 \(the peer's README's client; its own process/);
    const fallback = pickLoadGenerator(undefined, undefined);
    assert.equal(fallback.tool, 'autocannon');
    assert.match(fallback.note ?? '', /wrk is not installed \(apt-get install wrk\)/);
  });

  test('BENCH_LOAD_GENERATOR picks one; wrk asked for but missing, or another name, is an error', () => {
    assert.equal(pickLoadGenerator('autocannon', WRK).tool, 'autocannon');
    assert.equal(pickLoadGenerator('wrk', WRK).tool, 'wrk');
    assert.throws(() => pickLoadGenerator('wrk', undefined), /wrk is not installed/);
    assert.throws(() => pickLoadGenerator('ab', WRK), /expected wrk or autocannon/);
  });
});

describe("the lac report names the load generator", async () => {
  // The newest jieba results in the repository measured with autocannon, which counted the peer's closes.
  const names = (await readdir(resultsDir)).filter((n) => /^jieba-.*\.json$/.test(n)).sort().reverse();
  const files = await Promise.all(names.map(async (name) => ({ name, results: JSON.parse(await readFile(join(resultsDir, name), 'utf8')) as LacResults })));
  const { name, results: measured } = files.find((f) => f.results.method.loadTool !== 'wrk')!;

  test('autocannon results: in the bench process, with the connection notes', () => {
    const doc = lacDocSection(measured, name);
    assert.ok(doc.includes('the load generator (autocannon, in the bench process)'));
    assert.ok(doc.includes("not autocannon's whole-millisecond histogram"));
    assert.match(doc, /peer, Flask \+ Gunicorn, 2 workers: closed the connection after/);
  });

  test('the same runs as wrk reports them (no close counts): its own process, no connection notes', () => {
    const asWrk: LacResults = {
      ...measured,
      method: { ...measured.method, loadTool: 'wrk', loadGenerator: pickLoadGenerator(undefined, WRK).description },
      targets: measured.targets.map((t) => ({ ...t, runs: t.runs.map(({ closedByServer: _, ...r }) => r) })),
    };
    const doc = lacDocSection(asWrk, name);
    assert.ok(doc.includes('the load generator (wrk, its own process)'));
    assert.ok(doc.includes("- Load: wrk (the peer's README's client; its own process, 2 threads"));
    assert.ok(doc.includes("percentiles of wrk's latency record"));
    assert.ok(!doc.includes('closed the connection') && !doc.includes('kept connections alive'));
  });
});

/** Why the real run cannot happen here (undefined when it can); under CI a missing wrk is a failure. */
function skipReason(): string | undefined {
  if (existsSync(WRK)) return undefined;
  const why = `${WRK} is missing: apt-get install -y wrk`;
  if (process.env.CI === 'true') throw new Error(`the wrk run cannot happen: ${why}`);
  console.warn(`\n*** SKIPPING the real wrk run: ${why} ***\n`);
  return why;
}

describe('a real wrk run against a loopback server', { skip: skipReason() }, () => {
  test('every request carries the body byte for byte; the summary counts what the server answered', async () => {
    const body = '{"sentence":"今天是个好日子，天气预报说今天要下雨","q":"a \\"quote\\" and a \\\\ backslash","nl":"\n"}';
    let answered = 0;
    const wrong: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const got = Buffer.concat(chunks).toString('utf8');
        if (req.method !== 'POST' || req.headers['content-type'] !== 'application/json' || got !== body) wrong.push(`${req.method} ${got}`);
        answered++;
        res.setHeader('content-type', 'application/json');
        res.end('{"status":"000"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { summary, cpuSeconds } = await runWrk({ wrk: WRK, url: `http://127.0.0.1:${port}/predict/x`, body, connections: 2, seconds: 1 });
      assert.deepEqual(wrong.slice(0, 3), []);
      assert.ok(summary.requests > 0, 'wrk completed requests');
      // wrk stops with requests in flight: the server may have answered a few it never read.
      assert.ok(answered >= summary.requests, `server answered ${answered}, wrk counted ${summary.requests}`);
      assert.deepEqual(summary.errors, { connect: 0, read: 0, write: 0, status: 0, timeout: 0 });
      assert.ok(cpuSeconds >= 0 && Number.isFinite(cpuSeconds));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
