// Writes Paddle's raw tensor layout by hand (and whole fake LAC folders), so readers are tested against the
// format, not against themselves.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

function varint(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return out;
}

export interface FileSpec {
  dims: number[];
  data: number[];
  dataType?: number;
  packed?: boolean;
  lod?: number[][]; // per level, the uint64 offsets Paddle stores
  extraField?: boolean; // an unknown TensorDesc field the reader must skip
}

export function tensorFile(spec: FileSpec): Uint8Array {
  const desc: number[] = [];
  desc.push(0x08, ...varint(spec.dataType ?? 5));
  if (spec.packed ?? true) {
    const body = spec.dims.flatMap(varint);
    desc.push(0x12, ...varint(body.length), ...body);
  } else {
    for (const d of spec.dims) desc.push(0x10, ...varint(d));
  }
  if (spec.extraField) desc.push(0x1a, 3, 1, 2, 3); // field 3, length-delimited
  const lod = spec.lod ?? [];
  const size = 4 + 8 + lod.reduce((a, l) => a + 8 + l.length * 8, 0) + 4 + 4 + desc.length + spec.data.length * 4;
  const buf = new Uint8Array(size);
  const v = new DataView(buf.buffer);
  let p = 0;
  v.setUint32(p, 0, true); p += 4;
  v.setBigUint64(p, BigInt(lod.length), true); p += 8;
  for (const level of lod) {
    v.setBigUint64(p, BigInt(level.length * 8), true); p += 8;
    for (const o of level) { v.setBigUint64(p, BigInt(o), true); p += 8; }
  }
  v.setUint32(p, 0, true); p += 4;
  v.setInt32(p, desc.length, true); p += 4;
  buf.set(desc, p); p += desc.length;
  for (const x of spec.data) { v.setFloat32(p, x, true); p += 4; }
  return buf;
}


export interface TinyLacSpec {
  vocab: string[]; // characters, ids 0..n-1; 'OOV' is appended
  tags: string[];
  emb: number;
  hidden: number;
  rand: () => number;
  /** Overrides the dims written for one tensor, to provoke shape errors. */
  badDims?: { name: string; dims: number[] };
}

/** A complete, random-weighted LAC folder with the real layout: model_baseline/*, word.dic, tag.dic. */
export async function writeTinyLac(dir: string, spec: TinyLacSpec): Promise<void> {
  const V = spec.vocab.length + 1;
  const { emb: E, hidden: H } = spec;
  const N = spec.tags.length;
  const shapes: Record<string, number[]> = {
    word_emb: [V, E],
    'fc_4.w_0': [2 * H, N], 'fc_4.b_0': [N],
    crfw: [N + 2, N],
  };
  for (let n = 0; n < 4; n++) {
    shapes[`fc_${n}.w_0`] = [n < 2 ? E : 2 * H, 3 * H];
    shapes[`fc_${n}.b_0`] = [3 * H];
    shapes[`gru_${n}.w_0`] = [H, 3 * H];
    shapes[`gru_${n}.b_0`] = [1, 3 * H];
  }
  await mkdir(join(dir, 'model_baseline'), { recursive: true });
  for (const [name, dims] of Object.entries(shapes)) {
    const written = spec.badDims?.name === name ? spec.badDims.dims : dims;
    const count = written.reduce((a, b) => a * b, 1);
    const data = Array.from({ length: count }, () => (spec.rand() * 2 - 1) * 0.8);
    await writeFile(join(dir, 'model_baseline', name), tensorFile({ dims: written, data }));
  }
  const words = [...spec.vocab, 'OOV'].map((c, i) => `${i}\t${c}`).join('\n') + '\n';
  await writeFile(join(dir, 'word.dic'), words);
  await writeFile(join(dir, 'tag.dic'), spec.tags.map((t, i) => `${i}\t${t}`).join('\n') + '\n');
}
