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

/** The dictionaries' files of a prepared model, parsed. */
export interface LacLexiconFiles {
  vocab: LacVocabFile;
  tags: string[];
}

export async function readLexiconFiles(directory: string): Promise<LacLexiconFiles> {
  const [vocab, tags] = await Promise.all([readFile(join(directory, lacFiles.vocab), 'utf8'), readFile(join(directory, lacFiles.tags), 'utf8')]);
  return { vocab: JSON.parse(vocab) as LacVocabFile, tags: JSON.parse(tags) as string[] };
}

/** The dictionaries as the pipeline takes them: about 50 ms of this thread's time at a start. */
export function lexiconOf({ vocab, tags }: LacLexiconFiles): LacLexicon {
  return {
    vocab: new Map(Object.entries(vocab.chars)),
    oovId: vocab.oovId,
    charMap: new Map(Object.entries(vocab.charMap ?? {})),
    tags,
  };
}
