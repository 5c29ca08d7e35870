import type { CallContext, ModuleContext } from '../types.js';
import { lac } from '../lac/index.js';
import { readLexicon } from '../lac/cache-files.js';
import { LacScheduler } from '../lac/batch.js';
import { LAC_DEFAULT_LIMITS, analyseTexts, type LacLexicon } from '../lac/pipeline.js';

// Words for senta, cut the way PaddleHub's senta cuts them: PaddleHub's senta_bilstm calls the lac module
// (lexical_analysis) and looks up each word it returns, so we run lac's own pipeline - Baidu's LAC small,
// the same family - in the inference threads and keep its words (the tags are not used).

export interface LacSegmenter {
  directory: string;
  lexicon: LacLexicon;
  scheduler: LacScheduler;
}

/** The prepared lac model; senta's install step prepares it, so its absence here is an error. */
export async function loadLacSegmenter(context: ModuleContext): Promise<LacSegmenter> {
  const installed = await lac.installed({});
  if (!installed) {
    throw new Error('senta_bilstm: word segmentation needs the lac model, which is not installed: run `hub install lac`');
  }
  const lexicon = await readLexicon(installed.directory);
  return { directory: installed.directory, lexicon, scheduler: new LacScheduler(context.pool, installed.directory, lexicon.oovId, 'senta_bilstm/lac', context) };
}

/** LAC's words for each text; an empty text gives [''], which senta then looks up like any other word. */
export async function segmentWords(segmenter: LacSegmenter, texts: readonly string[], call: CallContext): Promise<string[][]> {
  const results = await analyseTexts(texts, segmenter.lexicon, LAC_DEFAULT_LIMITS.maxPieceChars, segmenter.scheduler.pieces(call));
  return results.map((r) => r.word);
}
