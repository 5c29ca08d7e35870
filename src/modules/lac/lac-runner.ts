// In-process LAC inference: encode texts, run the converted ONNX network on a padded batch, decode each
// row with the CRF and group characters into words. No worker threads here; the server wraps this.

import * as ort from 'onnxruntime-node';
import type { LacArtifacts } from './convert.js';
import { LAC_INPUT_SEQ_LENS, LAC_INPUT_WORD_IDS, LAC_OUTPUT_EMISSIONS } from './lac-graph.js';
import { encodeText, tagsToWords, type LacSegmentation } from './segment.js';
import { applyUserDict, type UserDict } from './user-dict.js';
import { viterbiDecode } from './viterbi.js';

export interface LacRunOptions {
  userDict?: UserDict;
}

export class LacRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly artifacts: LacArtifacts,
  ) {}

  /** Defaults to one intra-op thread: the server scales with workers, not with threads per session. */
  static async create(artifacts: LacArtifacts, sessionOptions: ort.InferenceSession.SessionOptions = {}): Promise<LacRunner> {
    const session = await ort.InferenceSession.create(artifacts.onnx, { intraOpNumThreads: 1, ...sessionOptions });
    return new LacRunner(session, artifacts);
  }

  get numTags(): number {
    return this.artifacts.tags.length;
  }

  /**
   * One result per text, in order. Empty strings give { word: [''], tag: [''] } as PaddleHub does and are
   * not sent to the model; the rest run as one batch padded to the longest text.
   */
  async run(texts: readonly string[], options: LacRunOptions = {}): Promise<LacSegmentation[]> {
    const { vocab, oovId, charMap, tags, crf } = this.artifacts;
    const results: LacSegmentation[] = new Array(texts.length);
    const encoded = texts.map((t) => encodeText(t, vocab, oovId, charMap));
    const rows: number[] = []; // indexes of texts that go to the model
    let maxLen = 0;
    encoded.forEach((e, i) => {
      if (e.ids.length === 0) results[i] = { word: [''], tag: [''] };
      else {
        rows.push(i);
        maxLen = Math.max(maxLen, e.ids.length);
      }
    });

    if (rows.length > 0) {
      const B = rows.length;
      const T = maxLen;
      // Padding uses the OOV id; its scores are never read, and GRU's sequence_lens keeps it out of real ones.
      const ids = new BigInt64Array(B * T).fill(BigInt(oovId));
      const lens = new Int32Array(B);
      rows.forEach((textIndex, b) => {
        const e = encoded[textIndex].ids;
        lens[b] = e.length;
        for (let t = 0; t < e.length; t++) ids[b * T + t] = BigInt(e[t]);
      });
      const out = await this.session.run({
        [LAC_INPUT_WORD_IDS]: new ort.Tensor('int64', ids, [B, T]),
        [LAC_INPUT_SEQ_LENS]: new ort.Tensor('int32', lens, [B]),
      });
      const emissions = out[LAC_OUTPUT_EMISSIONS].data as Float32Array;
      const N = tags.length;
      rows.forEach((textIndex, b) => {
        const path = viterbiDecode(emissions, b * T * N, lens[b], N, crf);
        const seg = tagsToWords(encoded[textIndex].chars, path, tags);
        results[textIndex] = options.userDict ? applyUserDict(options.userDict, texts[textIndex], seg) : seg;
      });
    }
    return results;
  }

  /** Frees the native session; the runner is unusable afterwards. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
