// In-process LAC for the install check and the benchmark's limit: the converted network in a session of this
// thread with the server's options, run by the very functions its inference threads run (tagPieces: length
// groups padded with the OOV id, the BiGRU, Viterbi), behind its pipeline (q2b, pieces longest first, calls of its default
// rows and elements), so what is checked and measured is what the server answers.

import { ort } from '../../backends/ort.js';
import type { LacArtifacts } from '../../artifacts/convert/paddle/lac-convert.js';
import { LAC_DEFAULT_LIMITS, analyseTexts, sequentialPieces, type LacLimits } from './pipeline.js';
import { sessionOptions } from '../../backends/onnx-session.js';
import { LAC_SESSION_OPTIONS, lacNetwork, tagPieces, type LacNetwork } from './run-batch.js';
import type { LacSegmentation } from './segment.js';
import type { UserDict } from './user-dict.js';

export interface LacRunOptions {
  userDict?: UserDict;
  limits?: LacLimits;
  /** false: each call's pieces padded into one batch, not run in length groups as the server runs them. */
  lengthGroups?: boolean;
}

export class LacRunner {
  private constructor(
    private readonly network: LacNetwork,
    private readonly artifacts: LacArtifacts,
  ) {}

  /** A CPU inference thread's options (one intra-op thread: the server scales with threads, not within a session). */
  static async create(artifacts: LacArtifacts, overrides: ort.InferenceSession.SessionOptions = {}): Promise<LacRunner> {
    const session = await ort.InferenceSession.create(artifacts.onnx, { ...sessionOptions({ kind: 'cpu' }, 1), ...LAC_SESSION_OPTIONS, ...overrides });
    return new LacRunner(lacNetwork(session, artifacts.crf, artifacts.oovId), artifacts);
  }

  /** One result per text, in order, exactly as the server computes it. */
  async run(texts: readonly string[], options: LacRunOptions = {}): Promise<LacSegmentation[]> {
    const limits = options.limits ?? LAC_DEFAULT_LIMITS;
    const run = sequentialPieces(limits, (pieces) => tagPieces(this.network, pieces, options.lengthGroups ?? true));
    return analyseTexts(texts, this.artifacts, limits.maxPieceChars, run, options.userDict);
  }

  /** Frees the native session; the runner is unusable afterwards. */
  async close(): Promise<void> {
    await this.network.session.release();
  }
}
