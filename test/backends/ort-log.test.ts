import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { writeDoubler } from '../helpers/double-model.js';

// ONNX Runtime's warnings stay off stderr (backends/ort.ts): a start must print the server's lines only. A
// session saved with its optimisations always makes ONNX Runtime warn, so it shows whether they print.

const run = promisify(execFile);
const ORT_MODULE = new URL('../../src/backends/ort.js', import.meta.url).href;

async function stderrOfSession(importOrt: string, model: string, saved: string, logLevel = 'info'): Promise<string> {
  const script = `${importOrt}; await ort.InferenceSession.create(${JSON.stringify(model)}, { graphOptimizationLevel: 'all', optimizedModelFilePath: ${JSON.stringify(saved)} });`;
  const { stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, HUB_LOG_LEVEL: logLevel } });
  return stderr;
}

test("ONNX Runtime's warnings are not printed, as they are without backends/ort.ts, unless debug lines are asked for", async () => {
  const folder = mkdtempSync(join(tmpdir(), 'ort-log-'));
  try {
    const model = writeDoubler(folder);
    const plain = await stderrOfSession("import * as ort from 'onnxruntime-node'", model, join(folder, 'plain.onnx'));
    assert.match(plain, /\[W:onnxruntime/, 'the control: plain onnxruntime-node warns about the saved model');
    const ours = await stderrOfSession(`import { ort } from ${JSON.stringify(ORT_MODULE)}`, model, join(folder, 'ours.onnx'));
    assert.equal(ours, '');
    // Asked for debug lines, an operator sees them again.
    const debug = await stderrOfSession(`import { ort } from ${JSON.stringify(ORT_MODULE)}`, model, join(folder, 'debug.onnx'), 'debug');
    assert.match(debug, /\[W:onnxruntime/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
