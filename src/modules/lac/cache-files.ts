import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LacLexicon } from './pipeline.js';

/** The files of a prepared LAC model in its cache folder (its record, info.json, is the artifacts layer's). */
export const lacFiles = {
  model: 'model.onnx',
  crf: 'crf.f32',
  vocab: 'vocab.json',
  tags: 'tags.json',
};

export interface LacVocabFile {
  oovId: number;
  chars: Record<string, number>;
  /** q2b.dic's replacements, where the source model has one (older caches have none). */
  charMap?: Record<string, string>;
}

/** The dictionaries of a prepared model, as the pipeline takes them. */
export async function readLexicon(directory: string): Promise<LacLexicon> {
  const vocabFile = JSON.parse(await readFile(join(directory, lacFiles.vocab), 'utf8')) as LacVocabFile;
  const tags = JSON.parse(await readFile(join(directory, lacFiles.tags), 'utf8')) as string[];
  return {
    vocab: new Map(Object.entries(vocabFile.chars)),
    oovId: vocabFile.oovId,
    charMap: new Map(Object.entries(vocabFile.charMap ?? {})),
    tags,
  };
}
