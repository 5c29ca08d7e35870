// In-process LAC: the converted network in a session of this thread, driven by the same pipeline the server
// runs (pieces, batches by length within the element budget, CRF, words). The install check and the benchmark's limit use it.

import * as ort from 'onnxruntime-node';
import type { LacArtifacts } from '../../artifacts/convert/paddle/lac-convert.js';
import { LAC_DEFAULT_LIMITS, analyseTexts, sequentialPieces, type LacLimits } from './pipeline.js';
import { runLacBatch } from './run-batch.js';
import type { LacSegmentation } from './segment.js';
import { LAC_SESSION_OPTIONS } from './session-options.js';
import type { UserDict } from './user-dict.js';

export interface LacRunOptions {
  userDict?: UserDict;
  limits?: LacLimits;
}

export class LacRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly artifacts: LacArtifacts,
  ) {}

  /** Defaults to one intra-op thread: the server scales with workers, not with threads per session. */
  static async create(artifacts: LacArtifacts, sessionOptions: ort.InferenceSession.SessionOptions = {}): Promise<LacRunner> {
    const session = await ort.InferenceSession.create(artifacts.onnx, { intraOpNumThreads: 1, ...LAC_SESSION_OPTIONS, ...sessionOptions });
    return new LacRunner(session, artifacts);
  }

  get numTags(): number {
    return this.artifacts.tags.length;
  }

  /** One result per text, in order, exactly as the server computes it. */
  async run(texts: readonly string[], options: LacRunOptions = {}): Promise<LacSegmentation[]> {
    const limits = options.limits ?? LAC_DEFAULT_LIMITS;
    const run = sequentialPieces(limits, this.artifacts.oovId, (batch) => runLacBatch(this.session, ort.Tensor, this.artifacts.crf, batch));
    return analyseTexts(texts, this.artifacts, limits.maxPieceChars, run, options.userDict);
  }

  /** Frees the native session; the runner is unusable afterwards. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
