// PaddleHub LAC's custom dictionary ("user_dict"): phrases the user wants segmented and tagged their way.
//
// File format (PaddleHub's): one item per line, words separated by whitespace (or `sep`), each word
// optionally `word/TAG`; the item's phrase is its words joined. Examples:
//   春天/SEASON          -> "春天" is one word tagged SEASON
//   花/n 开/v            -> "花开" is split into 花/n + 开/v
//   天安门广场           -> one word, tag taken from the model
// The tag follows the LAST '/', and a '/' at position 0 is part of the word (so "/" itself is a word).
// Blank lines and lines starting with '#' are skipped. Like PaddleHub, a single-character item without a tag
// is ignored (it could only split, never tag). An empty tag ("花/") is an error naming the line.
// When several lines give the same phrase, the last one wins.
//
// Applying (applyUserDict), positions counted in code points:
//  1. Scan the text left to right; at each position take the LONGEST dictionary phrase starting there;
//     if one matches, apply it and continue after it, else move one character on. Matches never overlap.
//  2. Inside a match the model's boundaries are discarded and the item's words become the words. A word
//     with a tag gets it; a word without one gets the tag of the model word containing its first character.
//  3. A boundary is forced right after the match, so a model word crossing the match edge is cut: the piece
//     outside keeps that model word's tag. Model words outside any match are untouched.
// (PaddleHub finds matches with Aho-Corasick and drops later ones overlapping an earlier start, applying
// the longer of same-start matches last; for ordinary dictionaries this is the same leftmost-longest result.)

import type { LacSegmentation } from './segment.js';

export interface UserDictWord {
  text: string;
  /** Offset of the word inside the phrase, in code points. */
  start: number;
  /** null: keep the model's tag. */
  tag: string | null;
}

export interface UserDictItem {
  phrase: string;
  words: UserDictWord[];
}

export interface TrieNode {
  next: Map<string, TrieNode>;
  item?: UserDictItem;
}

export interface UserDict {
  readonly items: ReadonlyMap<string, UserDictItem>;
  readonly root: TrieNode;
}

export interface ParseUserDictOptions {
  /** Word separator inside a line; default: any run of whitespace. */
  sep?: string;
}

export function parseUserDict(text: string, options: ParseUserDictOptions = {}): UserDict {
  const items = new Map<string, UserDictItem>();
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    const tokens = (options.sep === undefined ? line.split(/\s+/) : line.split(options.sep)).filter((s) => s !== '');
    const words: UserDictWord[] = [];
    let phrase = '';
    let start = 0;
    for (const token of tokens) {
      const slash = token.lastIndexOf('/');
      let word = token;
      let tag: string | null = null;
      if (slash >= 1) {
        word = token.slice(0, slash);
        tag = token.slice(slash + 1);
        if (tag === '') throw new Error(`user dictionary line ${n + 1}: "${token}" has an empty tag after '/'`);
      }
      words.push({ text: word, start, tag });
      phrase += word;
      start += Array.from(word).length;
    }
    if (words.length === 0) continue;
    if (start < 2 && words[0].tag === null) continue;
    items.set(phrase, { phrase, words });
  }

  const root: TrieNode = { next: new Map() };
  for (const item of items.values()) {
    let node = root;
    for (const c of item.phrase) {
      let child = node.next.get(c);
      if (!child) {
        child = { next: new Map() };
        node.next.set(c, child);
      }
      node = child;
    }
    node.item = item;
  }
  return { items, root };
}

/** Re-segments `result` (the model's output for `text`) by the rules in the header. Returns a new object. */
export function applyUserDict(dict: UserDict, text: string, result: LacSegmentation): LacSegmentation {
  const chars = Array.from(text);
  if (chars.length === 0 || dict.items.size === 0) return result;
  if (result.word.join('') !== text) throw new Error('segmentation result does not spell the given text');

  // Per character: does a word start here, and the tag such a word would carry.
  const n = chars.length;
  const starts = new Uint8Array(n);
  const modelTag: string[] = new Array<string>(n);
  let pos = 0;
  for (let w = 0; w < result.word.length; w++) {
    const len = Array.from(result.word[w]).length;
    if (len > 0) starts[pos] = 1;
    for (let k = 0; k < len; k++) modelTag[pos + k] = result.tag[w];
    pos += len;
  }
  const tagAt = modelTag.slice();

  let i = 0;
  while (i < n) {
    let node: TrieNode | undefined = dict.root;
    let match: UserDictItem | undefined;
    for (let j = i; j < n && node; j++) {
      node = node.next.get(chars[j]);
      if (node?.item) match = node.item;
    }
    if (!match) {
      i++;
      continue;
    }
    const end = i + Array.from(match.phrase).length;
    starts.fill(0, i, end);
    for (const w of match.words) {
      const p = i + w.start;
      starts[p] = 1;
      tagAt[p] = w.tag ?? modelTag[p];
    }
    if (end < n) starts[end] = 1; // tagAt[end] is still the model's tag for that piece
    i = end;
  }

  const word: string[] = [];
  const tag: string[] = [];
  for (let k = 0; k < n; k++) {
    if (starts[k] || k === 0) {
      word.push(chars[k]);
      tag.push(tagAt[k]);
    } else {
      word[word.length - 1] += chars[k];
    }
  }
  return { word, tag };
}
