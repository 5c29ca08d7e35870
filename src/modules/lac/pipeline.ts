import { encodeText, tagsToWords, type LacSegmentation } from './segment.js';
import { applyUserDict, type UserDict } from './user-dict.js';

// The one LAC pipeline, used by the lac module, jieba_paddle's paddle mode, senta's word cutting, the install
// check and the benchmark: texts are encoded (q2b first, where the model has one) and cut into pieces no longer
// than a model call may hold; the pieces go, longest first, to whatever runs them (the tagger model's batcher,
// which merges pieces of concurrent requests into calls within rows and an element budget, or
// sequentialPieces in process, which forms a lone request's calls the same way), and come back together per
// text. The budget is what bounds memory: the BiGRU's intermediate tensors grow with rows x width, and one
// request of 1,024 texts x 1,000 characters in a single call took the process past 7 GB.

export interface LacLexicon {
  vocab: ReadonlyMap<string, number>;
  oovId: number;
  /** Per-character replacements before lookup (a full PaddleHub lac's q2b.dic); empty for lac_small. */
  charMap: ReadonlyMap<string, string>;
  /** Tag id -> label such as 'TIME-B'. */
  tags: readonly string[];
}

export interface LacLimits {
  /** Pieces per model call. */
  maxRows: number;
  /** Rows x padded width per model call. */
  maxElements: number;
  /** Longer texts are cut into pieces of at most this many characters, at sentence ends where possible. */
  maxPieceChars: number;
}

/**
 * The server's defaults for a call (the tagger's schedule starts from these): short sentences batch 64 to a
 * call; measured on 2 cores, ~8 KB of peak memory per element, so one call stays near 130 MB.
 */
export const LAC_DEFAULT_LIMITS: LacLimits = { maxRows: 64, maxElements: 4096, maxPieceChars: 1024 };

/** One model call: character ids row-major [rows, width], padded with the OOV id (GRU's lengths mask it). */
export interface LacBatch {
  ids: BigInt64Array;
  lengths: Int32Array;
  width: number;
}

/** Runs pieces (character ids) through the model: tag ids per piece, in order. */
export type RunLacPieces = (pieces: Int32Array[]) => Promise<Int32Array[]>;

// Where a piece may end, best first: after a sentence end, after a clause mark, after a space.
const SENTENCE_END = /[。！？!?；;…\n]/u;
const CLAUSE_END = /[，,、：:）)」』”"]/u;
const SPACE = /\s/u;

/**
 * Piece boundaries [start, end) over a text's characters, each at most `max` long. A cut goes after the last
 * sentence end in the second half of the window, else the last clause mark or space there, else at `max`.
 */
export function pieceBounds(chars: readonly string[], max: number): [number, number][] {
  const bounds: [number, number][] = [];
  let start = 0;
  while (chars.length - start > max) {
    const limit = start + max;
    let cut = -1;
    for (const mark of [SENTENCE_END, CLAUSE_END, SPACE]) {
      for (let i = limit - 1; i >= start + max / 2 && cut < 0; i--) if (mark.test(chars[i]!)) cut = i + 1;
      if (cut > 0) break;
    }
    if (cut < 0) cut = limit;
    bounds.push([start, cut]);
    start = cut;
  }
  bounds.push([start, chars.length]);
  return bounds;
}

/** Pads sequences into one model input. */
export function packBatch(sequences: readonly ArrayLike<number>[], padId = 0): LacBatch {
  const width = Math.max(...sequences.map((s) => s.length));
  const ids = new BigInt64Array(sequences.length * width).fill(BigInt(padId));
  const lengths = new Int32Array(sequences.length);
  sequences.forEach((seq, b) => {
    lengths[b] = seq.length;
    for (let t = 0; t < seq.length; t++) ids[b * width + t] = BigInt(seq[t]!);
  });
  return { ids, lengths, width };
}

/**
 * Groups pieces (given by length) into batches: longest first, so each batch pads to little more than its
 * rows need; a batch takes rows while rows x width stays within the budget. Answers piece indexes per batch.
 */
export function planBatches(lengths: readonly number[], limits: LacLimits): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  let width = 0;
  for (const i of order) {
    const fits = current.length < limits.maxRows && (current.length + 1) * width <= limits.maxElements;
    if (current.length > 0 && !fits) {
      batches.push(current);
      current = [];
    }
    if (current.length === 0) width = lengths[i]!;
    current.push(i);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Analyses texts: one segmentation per text, in order. An empty text gives { word: [''], tag: [''] } without
 * running the model, as PaddleHub's lac answers it.
 */
export async function analyseTexts(
  texts: readonly string[],
  lexicon: LacLexicon,
  maxPieceChars: number,
  run: RunLacPieces,
  userDict?: UserDict,
): Promise<LacSegmentation[]> {
  const encoded = texts.map((text) => encodeText(text, lexicon.vocab, lexicon.oovId, lexicon.charMap));
  const pieces: { text: number; ids: Int32Array }[] = [];
  encoded.forEach((e, text) => {
    for (const [from, to] of pieceBounds(e.chars, maxPieceChars)) {
      if (to > from) pieces.push({ text, ids: e.ids.subarray(from, to) });
    }
  });
  // Longest first: consecutive pieces make batches with little padding.
  const order = pieces.map((_, i) => i).sort((a, b) => pieces[b]!.ids.length - pieces[a]!.ids.length || a - b);
  const tagIds = await run(order.map((i) => pieces[i]!.ids));
  const pieceTags: Int32Array[] = new Array(pieces.length);
  order.forEach((piece, k) => (pieceTags[piece] = tagIds[k]!));
  const perText: Int32Array[][] = texts.map(() => []);
  pieces.forEach((piece, i) => perText[piece.text]!.push(pieceTags[i]!));

  return texts.map((text, i) => {
    if (text.length === 0) return { word: [''], tag: [''] };
    const parts = perText[i]!;
    const ids = parts.length === 1 ? parts[0]! : concat(parts);
    const result = tagsToWords(encoded[i]!.chars, ids, lexicon.tags);
    return userDict ? applyUserDict(userDict, text, result) : result;
  });
}

/** Runs pieces in calls planned within the limits, one call after the other (in-process use): `run` takes one call's pieces. */
export function sequentialPieces(limits: LacLimits, run: RunLacPieces): RunLacPieces {
  return async (pieces) => {
    const out: Int32Array[] = new Array(pieces.length);
    for (const rows of planBatches(pieces.map((p) => p.length), limits)) {
      const tags = await run(rows.map((i) => pieces[i]!));
      rows.forEach((piece, b) => (out[piece] = tags[b]!));
    }
    return out;
  };
}

function concat(parts: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
