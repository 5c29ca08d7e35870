import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import sharp from 'sharp';
import { installVision } from '../../../src/modules/_vision/prepared.js';
import type { LoadedModule } from '../../../src/modules/types.js';
import { vgg16Imagenet, vgg16Spec } from '../../../src/modules/vgg16_imagenet/index.js';
import { InferencePool } from '../../../src/scheduler/pool.js';
import { tinyClassifier } from '../_vision/tiny-models.js';
import { expectedTiny } from './expected.js';

// The module as the server drives it (inference threads, install record, label file), without HTTP: models
// that fix their batch size (vgg16-7 takes exactly one image) get exactly that many images per run.

const names = Array.from({ length: 1000 }, (_, i) => `class ${i}`);

describe('vgg16_imagenet module', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgg-module-'));
  const pool = new InferencePool({ devices: [{ kind: 'cpu' }, { kind: 'cpu' }], maxQueue: 64, intraOpThreads: 1 });
  const images: string[] = [];

  before(async () => {
    process.env.HUB_HOME = mkdtempSync(join(tmpdir(), 'hub-vgg-module-'));
    writeFileSync(join(dir, 'labels.txt'), `${names.join('\n')}\n`);
    for (const rgb of [[255, 0, 0], [0, 255, 0], [0, 0, 255]] as const) {
      const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
      images.push(png.toString('base64'));
    }
  });
  after(() => pool.close());

  async function load(file: string, model: Uint8Array): Promise<LoadedModule> {
    writeFileSync(join(dir, file), model);
    const initArgs = { model_path: join(dir, file), label_file: join(dir, 'labels.txt') };
    const installed = await installVision(vgg16Spec, initArgs);
    return vgg16Imagenet.load({ initArgs, pool, log: pino({ level: 'silent' }) }, installed);
  }

  const call = () => ({ signal: new AbortController().signal });
  const tops = (results: unknown[]) => (results as Record<string, number>[]).map((r) => Object.keys(r)[0]);

  for (const batch of [undefined, 1, 2]) {
    test(`batch dimension ${batch ?? 'free'}: every image answered, in order, whatever batch_size says`, async () => {
      const module = await load(`tiny-${batch ?? 'n'}.onnx`, tinyClassifier({ batch }));
      for (const batchSize of [1, 2, 4]) {
        const results = await module.predict({ images, top_k: 1, batch_size: batchSize }, call());
        assert.deepEqual(tops(results), ['class 0', 'class 1', 'class 2'], `batch_size ${batchSize}`);
        const red = (results[0] as Record<string, number>)['class 0']!;
        assert.ok(Math.abs(red - expectedTiny([255, 0, 0])[0]!) < 1e-3);
      }
    });
  }
});
