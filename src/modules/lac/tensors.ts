import type { ModuleTensors } from '../../server/v2/module-model.js';
import type { LacResult } from './index.js';

// lac over /v2: texts in as BYTES; out, per text, its words and its tags, each a JSON list in a BYTES element
// (words per text vary in number, so they travel as JSON text, as ragged data does over the protocol).

const bytes = (name: string) => ({ name, datatype: 'BYTES' as const, shape: [-1], declared: ['texts'] });

export const lacTensors: ModuleTensors = {
  inputs: [bytes('text')],
  outputs: [bytes('word'), bytes('tag')],
  toArgs: (inputs) => ({ text: inputs.get('text')!.data as string[] }),
  toOutputs: (results) => {
    const rows = results as LacResult[];
    return {
      word: { type: 'string', dims: [rows.length], data: rows.map((r) => JSON.stringify(r.word)) },
      tag: { type: 'string', dims: [rows.length], data: rows.map((r) => JSON.stringify(r.tag ?? [])) },
    };
  },
};
