import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { placeFolder } from '../../artifacts/atomic.js';
import { ElemType, GraphBuilder, attr, floatTensor, tensorValueInfo } from '../../artifacts/convert/onnx-graph.js';
import { UsageError } from '../../errors/catalogue.js';

// `hub new module NAME`: a user module that runs as it is: module.mjs, a small model.onnx (a softmax classifier
// of rows of 4 numbers into 3 labels, to be replaced by the user's own), and test.mjs, which serves the folder
// and calls it with the package's client.

const NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** A fixed linear layer and softmax: x [batch, 4] -> probabilities [batch, 3]. */
export function starterModel(): Uint8Array {
  const g = new GraphBuilder();
  g.reserve('x');
  const w = g.init(floatTensor('w', [4, 3], [1, 0, -1, 0, 1, -1, -1, 0, 1, 0, -1, 1]));
  const b = g.init(floatTensor('b', [3], [0.1, 0, -0.1]));
  const logits = g.op('Add', [g.op('MatMul', ['x', w]), b]);
  g.op('Softmax', [logits], { axis: attr.int(-1) }, 'probabilities');
  return g.encode({
    graphName: 'starter_classifier',
    inputs: [tensorValueInfo('x', ElemType.FLOAT, ['batch', 4])],
    outputs: [tensorValueInfo('probabilities', ElemType.FLOAT, ['batch', 3])],
  });
}

const moduleSource = (name: string) => `// A Hub Serving module: \`hub serving start -m ./${name}\` serves it at POST /predict/${name} and over /v2.
// The stages: preprocess (arguments -> one item per row), the model on items of many requests at once
// (batched by the server along the first dimension), postprocess (each item's outputs -> one result).
// Replace model.onnx with your own model and adapt the three parts below to its inputs and outputs.

const LABELS = ['setosa', 'versicolor', 'virginica'];

/** @type {import('hub-serving/module').UserModule<{ data: number[][]; top_k: number }>} */
export default {
  name: '${name}',
  version: '1.0.0',
  summary: 'Classifies rows of 4 measurements into 3 labels',
  model: 'model.onnx',
  arguments: (z) => ({
    data: { schema: z.array(z.array(z.number()).length(4)).min(1).max(1024), help: 'rows of 4 numbers, one result per row' },
    top_k: { schema: z.number().int().min(1).max(LABELS.length).default(1), help: 'how many labels per row, best first' },
  }),
  example: { data: [[5.1, 3.5, 1.4, 0.2]] },
  output: 'a list of {"label", "score"}, best first',
  preprocess: (args) => args.data.map((row) => ({ x: { data: row, shape: [4] } })),
  postprocess(outputs, args) {
    const scores = Array.from(outputs.probabilities.data);
    return LABELS.map((label, i) => ({ label, score: scores[i] })).sort((a, b) => b.score - a.score).slice(0, args.top_k);
  },
};
`;

const testSource = (name: string) => `// node --test: serves this folder on a free loopback port and calls it as a client would.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { HubClient } from 'hub-serving/client';

const folder = fileURLToPath(new URL('.', import.meta.url));
const hub = fileURLToPath(new URL('./bin/hub.js', import.meta.resolve('hub-serving/package.json')));

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

test('${name} answers its example with one ranked list per row', async () => {
  const port = await freePort();
  const server = spawn(process.execPath, [hub, 'serving', 'start', '-m', folder, '-p', String(port), '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (d) => { out += d; if (out.includes('Hub Serving is ready')) resolve(); });
      server.once('exit', (code) => reject(new Error(\`the server exited (\${code}): \${out}\`)));
    });
    const client = new HubClient({ url: \`http://127.0.0.1:\${port}\` });
    const results = await client.predict('${name}', { data: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]], top_k: 2 });
    assert.equal(results.length, 2);
    for (const ranked of results) {
      assert.equal(ranked.length, 2);
      assert.ok(ranked[0].score >= ranked[1].score);
    }
  } finally {
    server.kill('SIGTERM');
  }
});
`;

/** Writes the module's folder under `parent`; refuses to touch a folder that exists. Returns its path. */
export async function scaffoldModule(name: string, parent = process.cwd()): Promise<string> {
  if (!NAME.test(name)) throw new UsageError(`module name "${name}" is not allowed: expected lower case letters, digits and _, starting with a letter (e.g. my_classifier)`);
  const folder = resolve(parent, name);
  const exists = () => new UsageError(`${folder} exists already: choose another name, or remove it first`);
  if (existsSync(folder)) throw exists();
  // Written beside, then renamed: an interrupted run leaves no half-made module, and one made meanwhile is kept.
  const placed = await placeFolder(folder, async (temp) => {
    await writeFile(join(temp, 'module.mjs'), moduleSource(name));
    await writeFile(join(temp, 'model.onnx'), starterModel());
    await writeFile(join(temp, 'test.mjs'), testSource(name));
  }, () => true);
  if (!placed) throw exists();
  return folder;
}
