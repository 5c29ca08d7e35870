// LAC's tag set: part of speech and named entities. Colours by group (set in style.css as .g-<group>).

export const LAC_TAGS = [
  ['n', 'common noun', 'noun'], ['f', 'locative noun', 'noun'], ['s', 'place noun', 'noun'], ['t', 'time noun', 'noun'],
  ['nr', 'person name', 'name'], ['ns', 'place name', 'name'], ['nt', 'organisation name', 'name'], ['nw', 'work title', 'name'],
  ['nz', 'other proper noun', 'name'],
  ['v', 'verb', 'verb'], ['vd', 'verb used as adverb', 'verb'], ['vn', 'verb used as noun', 'verb'],
  ['a', 'adjective', 'adj'], ['ad', 'adjective used as adverb', 'adj'], ['an', 'adjective used as noun', 'adj'],
  ['d', 'adverb', 'func'], ['m', 'numeral', 'num'], ['q', 'quantifier', 'num'], ['r', 'pronoun', 'func'],
  ['p', 'preposition', 'func'], ['c', 'conjunction', 'func'], ['u', 'particle', 'func'], ['xc', 'other function word', 'func'],
  ['w', 'punctuation', 'punct'],
  ['PER', 'person', 'per'], ['LOC', 'location', 'loc'], ['ORG', 'organisation', 'org'], ['TIME', 'time', 'time'],
];

const BY_TAG = new Map(LAC_TAGS.map(([tag, meaning, group]) => [tag, { tag, meaning, group }]));

export const tagInfo = (tag) => BY_TAG.get(tag) || { tag, meaning: 'tag from a user dictionary', group: 'other' };
