import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { rotate180, type RgbImage } from '../../media/pixels.js';
import { defineInfer } from '../contract/define-infer.js';
import { charsetFromKeys, ctcGreedyDecode, type DecodedLine } from './ctc-decode.js';
import { LINE_HEIGHT, REC_MIN_WIDTH, lineBatch } from './line-tensors.js';
import { runSession } from './run-session.js';

// The recogniser, in an inference thread: line images of one padded width (from any images and requests) in
// one run, each turned half first where the direction classifier said so, then read by greedy CTC decoding.

export interface RecFile {
  model: string;
  /** PaddleOCR's keys file: the characters, one a line. */
  keys: string;
}

export interface RecLine {
  /** The width the line is padded to (line-tensors.ts recWidths). */
  size: number;
  /** The same width: lines of one width share a call, as padding wider would change their reading. */
  key: string;
  width: number;
  height: number;
  pixels: Uint8Array;
  /** Upside down: turned 180 degrees before it is read. */
  turned: boolean;
}

export default defineInfer({
  async open(file: RecFile, tools) {
    const [session, keys] = await Promise.all([tools.session(file.model), readFile(file.keys, 'utf8')]);
    return { session, charset: charsetFromKeys(keys) };
  },
  async warmup({ session, charset }, file) {
    const out = await runSession(session, new Float32Array(3 * LINE_HEIGHT * REC_MIN_WIDTH), [1, 3, LINE_HEIGHT, REC_MIN_WIDTH]);
    const classes = out.dims[2];
    if (classes !== charset.length) {
      throw new Error(`the recogniser has ${classes} classes but ${basename(file.keys)} gives ${charset.length} (blank + ${charset.length - 2} keys + space): the files do not belong together`);
    }
  },
  async run(lines: RecLine[], { session, charset }) {
    const width = lines[0]!.size;
    if (lines.some((l) => l.size !== width)) throw new Error('recogniser lines of different widths in one call');
    const images = lines.map((l): RgbImage => {
      const image = { width: l.width, height: l.height, data: l.pixels };
      return l.turned ? rotate180(image) : image;
    });
    const out = await runSession(session, lineBatch(images, width), [lines.length, 3, LINE_HEIGHT, width]);
    const [, steps, classes] = out.dims as [number, number, number];
    return lines.map((_, n): DecodedLine => ctcGreedyDecode(out.data as Float32Array, n * steps * classes, steps, classes, charset));
  },
});
