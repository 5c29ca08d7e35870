import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Reply } from '../../helpers/cli.js';

// What the end-to-end tests of the ONNX image modules share: a config naming a generated model, images,
// and the checks of a refused request.

/**
 * A folder with `model.onnx` and config.json serving `module` with init_args.model_path (relative, as users
 * write it); `labels` adds a label file (named by an absolute path: config paths other than model_path,
 * directory and user_dict are not resolved against the config's folder).
 */
export function configFor(module: string, model: Uint8Array, labels?: readonly string[]): { dir: string; config: string; model: string } {
  const dir = mkdtempSync(join(tmpdir(), `${module}-e2e-`));
  writeFileSync(join(dir, 'model.onnx'), model);
  const initArgs: Record<string, unknown> = { model_path: 'model.onnx' };
  if (labels) {
    writeFileSync(join(dir, 'labels.txt'), `${labels.join('\n')}\n`);
    initArgs.label_file = join(dir, 'labels.txt');
  }
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ modules_info: { [module]: { init_args: initArgs } } }));
  return { dir, config, model: join(dir, 'model.onnx') };
}

export async function solidPng(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
}

/** A JPEG whose header is fine and whose data is not: passes the format sniffing, fails decoding. */
export function corruptJpeg(good: Buffer): Buffer {
  const broken = Buffer.from(good.subarray(0, 2000));
  broken.fill(0x5a, 600);
  return broken;
}

export const textFile = Buffer.from('These are the minutes of the meeting, not a picture.\n');

export const b64 = (bytes: Buffer) => bytes.toString('base64');

export function expectRefused(reply: Reply, msg: RegExp): void {
  assert.equal(reply.status, 400, reply.text);
  assert.equal(reply.body.status, '113', reply.text);
  assert.match(reply.body.msg, msg);
  assert.equal(reply.body.results, '');
}

/** One `error: ...` line and nothing else on stderr. */
export function oneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, pattern);
}
