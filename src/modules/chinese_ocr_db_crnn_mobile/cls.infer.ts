import { defineInfer } from '../contract/define-infer.js';
import { CLS_WIDTH, LINE_HEIGHT, lineBatch } from './line-tensors.js';
import { runSession } from './run-session.js';

// The direction classifier, in an inference thread: line images of any images and requests, each resized to
// 48 high (at most 192 wide) and padded to 192, so every line makes the same row whatever shares its call.

export interface ClsFile {
  model: string;
}

export interface LineItem {
  size: 1;
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** Probabilities of upright and of turned 180 degrees. */
export type Direction = [upright: number, turned: number];

export default defineInfer({
  open: async (file: ClsFile, tools) => tools.session(file.model),
  async warmup(session) {
    await runSession(session, new Float32Array(3 * LINE_HEIGHT * CLS_WIDTH), [1, 3, LINE_HEIGHT, CLS_WIDTH]);
  },
  async run(lines: LineItem[], session) {
    const input = lineBatch(lines.map((l) => ({ width: l.width, height: l.height, data: l.pixels })), CLS_WIDTH);
    const scores = (await runSession(session, input, [lines.length, 3, LINE_HEIGHT, CLS_WIDTH])).data as Float32Array;
    return lines.map((_, n): Direction => [scores[n * 2]!, scores[n * 2 + 1]!]);
  },
});
