// Parsers for LAC's text dictionaries: word.dic (id<TAB>char), tag.dic (id<TAB>label) and, when a model
// ships one, q2b.dic (from<TAB>to character replacements applied before lookup).

/** Splits `key<TAB>value` lines. Values are not trimmed: U+3000 (ideographic space) is a real vocab entry. */
function* tabLines(text: string, file: string): Generator<[key: string, value: string, line: number]> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line === '') continue;
    const parts = line.split('\t');
    if (parts.length !== 2) throw new Error(`${file}: line ${i + 1} is not "key<TAB>value": ${JSON.stringify(line)}`);
    yield [parts[0], parts[1], i + 1];
  }
}

function parseId(s: string, file: string, line: number): number {
  if (!/^\d+$/.test(s)) throw new Error(`${file}: line ${line}: id ${JSON.stringify(s)} is not a non-negative integer`);
  return Number(s);
}

export interface WordDict {
  vocab: Map<string, number>;
  oovId: number;
  /** Largest id + 1; the embedding table needs at least this many rows (ids may have gaps). */
  size: number;
}

export function parseWordDict(text: string, file = 'word.dic'): WordDict {
  const vocab = new Map<string, number>();
  let size = 0;
  for (const [idText, token, line] of tabLines(text, file)) {
    const id = parseId(idText, file, line);
    if (vocab.has(token)) throw new Error(`${file}: line ${line}: ${JSON.stringify(token)} appears twice`);
    vocab.set(token, id);
    size = Math.max(size, id + 1);
  }
  const oovId = vocab.get('OOV');
  if (oovId === undefined) throw new Error(`${file}: has no OOV entry`);
  return { vocab, oovId, size };
}

/** Returns labels indexed by tag id; ids must be exactly 0..n-1. */
export function parseTagDict(text: string, file = 'tag.dic'): string[] {
  const tags: string[] = [];
  for (const [idText, label, line] of tabLines(text, file)) {
    const id = parseId(idText, file, line);
    if (tags[id] !== undefined) throw new Error(`${file}: line ${line}: id ${id} appears twice`);
    tags[id] = label;
  }
  for (let i = 0; i < tags.length; i++) {
    if (tags[i] === undefined) throw new Error(`${file}: tag id ${i} is missing`);
  }
  if (tags.length === 0) throw new Error(`${file}: no tags`);
  return tags;
}

/** q2b.dic-style replacement map (e.g. full-width -> half-width), applied per character before lookup. */
export function parseCharMap(text: string, file = 'q2b.dic'): Map<string, string> {
  const map = new Map<string, string>();
  for (const [from, to] of tabLines(text, file)) map.set(from, to);
  return map;
}
