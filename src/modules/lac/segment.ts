// Text <-> model tokens for LAC: one token per Unicode code point, and per-character tags back to words.

export interface LacSegmentation {
  word: string[];
  tag: string[];
}

export interface EncodedText {
  /** The text split by code point; words are rebuilt from these, so output keeps the original characters. */
  chars: string[];
  ids: Int32Array;
}

/**
 * Maps each code point to its vocab id (Python iterates strings the same way, so an astral character is
 * one token; it is not in the vocab and becomes OOV). `charMap` (q2b.dic) replaces characters before
 * lookup only - the returned chars stay as given.
 */
export function encodeText(
  text: string,
  vocab: ReadonlyMap<string, number>,
  oovId: number,
  charMap?: ReadonlyMap<string, string>,
): EncodedText {
  const chars = Array.from(text);
  const ids = new Int32Array(chars.length);
  for (let i = 0; i < chars.length; i++) {
    const c = charMap?.get(chars[i]) ?? chars[i];
    ids[i] = vocab.get(c) ?? oovId;
  }
  return { chars, ids };
}

/**
 * Groups characters into words, LAC-small's rule: a word starts at the first character, at any '-B' tag,
 * and at an 'O' that follows a non-'O' (consecutive 'O's form one word). A stray '-I' after a different
 * type simply continues the current word. The word's tag is its first label up to '-' ('O' stays 'O').
 */
export function tagsToWords(chars: readonly string[], tagIds: ArrayLike<number>, tagNames: readonly string[]): LacSegmentation {
  if (chars.length !== tagIds.length) throw new Error(`${chars.length} characters but ${tagIds.length} tags`);
  const word: string[] = [];
  const tag: string[] = [];
  let prev = '';
  for (let i = 0; i < chars.length; i++) {
    const label = tagNames[tagIds[i]];
    if (label === undefined) throw new Error(`tag id ${tagIds[i]} is out of range (${tagNames.length} tags)`);
    if (i === 0 || label.endsWith('-B') || (label === 'O' && prev !== 'O')) {
      word.push(chars[i]);
      const dash = label.indexOf('-');
      tag.push(dash < 0 ? label : label.slice(0, dash));
    } else {
      word[word.length - 1] += chars[i];
    }
    prev = label;
  }
  return { word, tag };
}
