import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferencePool } from '../../scheduler/pool.js';
import { lac } from '../lac/index.js';
import { lacFiles, type LacVocabFile } from '../lac/cache-files.js';
import { packBatch, runBatches } from '../lac/batch.js';
import { encodeText, tagsToWords } from '../lac/segment.js';

// Words for senta, cut the way PaddleHub's senta cuts them: PaddleHub's senta_bilstm calls the lac module
// (lexical_analysis) and looks up each word it returns, so we run our own lac model - Baidu's LAC small,
// the same family - in an inference thread and keep its words (the tags are not used).

/** lac's task file: the same URL the lac module runs, so a thread serving both loads one session. */

export interface LacSegmenter {
  directory: string;
  vocab: Map<string, number>;
  oovId: number;
  tags: string[];
}

/** The prepared lac model; senta's install step prepares it, so its absence here is an error. */
export async function loadLacSegmenter(): Promise<LacSegmenter> {
  const installed = await lac.installed({});
  if (!installed) {
    throw new Error('senta_bilstm: word segmentation needs the lac model, which is not installed: run `hub install lac`');
  }
  const vocabFile = JSON.parse(await readFile(join(installed.directory, lacFiles.vocab), 'utf8')) as LacVocabFile;
  const tags = JSON.parse(await readFile(join(installed.directory, lacFiles.tags), 'utf8')) as string[];
  return { directory: installed.directory, vocab: new Map(Object.entries(vocabFile.chars)), oovId: vocabFile.oovId, tags };
}

/**
 * LAC's words for each text. An empty text gives [''] without running the model, as PaddleHub's lac
 * answers it; senta then looks '' up like any other word.
 */
export async function segmentWords(segmenter: LacSegmenter, texts: readonly string[], pool: InferencePool, signal: AbortSignal): Promise<string[][]> {
  const words: string[][] = texts.map(() => ['']);
  const rows = texts.map((_, i) => i).filter((i) => texts[i]!.length > 0);
  if (rows.length === 0) return words;
  const encoded = rows.map((i) => encodeText(texts[i]!, segmenter.vocab, segmenter.oovId));
  const [tagIds] = await runBatches(pool, segmenter.directory, [packBatch(encoded.map((e) => e.ids))], signal);
  rows.forEach((textIndex, b) => {
    words[textIndex] = tagsToWords(encoded[b]!.chars, tagIds![b]!, segmenter.tags).word;
  });
  return words;
}
