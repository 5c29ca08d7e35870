// senta's vocabulary, read as PaddleHub's load_vocab reads assets/vocab.txt, and word -> id lookup.
//
// PaddleHub: each line is right-stripped and split on TAB; field 0 is the word, field 1 its id (extra fields
// are ignored, a repeated word keeps its last id); then "<unk>" gets the id len(vocab) - the number of
// distinct words read, overriding a "<unk>" line of the file. Words not in the vocab map to <unk>.

export const UNK = '<unk>';

export interface SentaVocab {
  ids: Map<string, number>;
  unkId: number;
}

export function parseSentaVocab(text: string, file = 'vocab.txt'): SentaVocab {
  const ids = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    // PaddleHub would crash on a blank line; skipping it loses nothing (a final newline makes one here).
    if (line === '') continue;
    const parts = line.split('\t');
    if (parts.length < 2) throw new Error(`${file}: line ${i + 1} is not "word<TAB>id": ${JSON.stringify(line.slice(0, 60))}`);
    const idText = parts[1]!.trim();
    if (!/^\+?\d+$/.test(idText)) throw new Error(`${file}: line ${i + 1}: id ${JSON.stringify(parts[1])} is not a non-negative integer`);
    ids.set(parts[0]!, Number(idText));
  }
  if (ids.size === 0) throw new Error(`${file}: holds no words`);
  const unkId = ids.size;
  ids.set(UNK, unkId);
  return { ids, unkId };
}

/** One id per word; words outside the vocabulary get <unk>'s id. */
export function wordsToIds(words: readonly string[], vocab: SentaVocab): Int32Array {
  const out = new Int32Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = vocab.ids.get(words[i]!) ?? vocab.unkId;
  return out;
}
