import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

// The log's stderr destination batches lines as Buffers (src/process/log.ts): every line arrives whole and in
// order, multi-byte text intact, including those still pending when the process exits at once.

const LOG_MODULE = new URL('../../src/process/log.js', import.meta.url).href;
const LINES = 3000;

function runChild(script: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr: Buffer.concat(chunks).toString('utf8') }));
  });
}

test('lines written in bursts and pending at process.exit all reach stderr, whole, in order', async () => {
  const script = `
    import { createLogger } from ${JSON.stringify(LOG_MODULE)};
    const log = createLogger({ level: 'info', pretty: false });
    for (let i = 0; i < ${LINES}; i++) {
      log.info({ i, text: '今天是个好日子, ünïcode ' + 'x'.repeat(i % 300) }, 'line');
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    log.warn('last');
    process.exit(7);
  `;
  const { code, stderr } = await runChild(script);
  assert.equal(code, 7);
  const lines = stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as { i?: number; text?: string; msg: string; level: string });
  assert.equal(lines.length, LINES + 1);
  lines.slice(0, LINES).forEach((line, i) => {
    assert.equal(line.i, i);
    assert.equal(line.text, `今天是个好日子, ünïcode ${'x'.repeat(i % 300)}`);
  });
  assert.deepEqual([lines[LINES]!.level, lines[LINES]!.msg], ['warn', 'last']);
});
