import type { InferencePool } from '../../scheduler/pool.js';
import { lac } from '../lac/index.js';
import { readLexicon } from '../lac/cache-files.js';
import { threadBatches } from '../lac/batch.js';
import { LAC_DEFAULT_LIMITS, analyseTexts, type LacLexicon } from '../lac/pipeline.js';

// Words for senta, cut the way PaddleHub's senta cuts them: PaddleHub's senta_bilstm calls the lac module
// (lexical_analysis) and looks up each word it returns, so we run lac's own pipeline - Baidu's LAC small,
// the same family - in the inference threads and keep its words (the tags are not used).

export interface LacSegmenter {
  directory: string;
  lexicon: LacLexicon;
}

/** The prepared lac model; senta's install step prepares it, so its absence here is an error. */
export async function loadLacSegmenter(): Promise<LacSegmenter> {
  const installed = await lac.installed({});
  if (!installed) {
    throw new Error('senta_bilstm: word segmentation needs the lac model, which is not installed: run `hub install lac`');
  }
  return { directory: installed.directory, lexicon: await readLexicon(installed.directory) };
}

/** LAC's words for each text; an empty text gives [''], which senta then looks up like any other word. */
export async function segmentWords(segmenter: LacSegmenter, texts: readonly string[], pool: InferencePool, signal: AbortSignal): Promise<string[][]> {
  const results = await analyseTexts(texts, segmenter.lexicon, LAC_DEFAULT_LIMITS, threadBatches(pool, segmenter.directory, signal));
  return results.map((r) => r.word);
}
