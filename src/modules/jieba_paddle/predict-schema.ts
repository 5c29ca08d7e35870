import { z } from 'zod';
import { MAX_TEXT_CHARS } from '../lac/predict-schema.js';

// PaddleHub's jieba_paddle.cut(sentence, use_paddle=True, cut_all=False, HMM=True); the paddle mode ignores
// cut_all and HMM, as jieba's does.

const bool = () => z.boolean({ error: 'expected true or false' });

export const jiebaPredictSchema = z.strictObject({
  sentence: z.string({ error: 'expected the sentence to cut, a string' })
    .max(MAX_TEXT_CHARS, { error: `the sentence is limited to ${MAX_TEXT_CHARS} characters` }),
  use_paddle: bool().default(true),
  cut_all: bool().default(false),
  HMM: bool().default(true),
});

export type JiebaPredictArgs = z.output<typeof jiebaPredictSchema>;

export const jiebaInitSchema = z.strictObject({
  version: z.union([z.string(), z.number()], { error: 'expected a version like "1.0.0"' }).optional(),
  user_dict: z.string({ error: 'expected the path of a jieba dictionary file (word [freq] [tag] per line)' }).min(1).optional(),
});

export const jiebaArgsHelp = [
  { name: 'sentence', type: 'str', default: undefined, required: true, help: 'the text to cut into words' },
  { name: 'use_paddle', type: 'bool', default: true, help: "true: Baidu's LAC network (jieba's paddle mode); false: jieba's dictionary cutter" },
  { name: 'cut_all', type: 'bool', default: false, help: 'classic mode: every word the dictionary finds, overlapping' },
  { name: 'HMM', type: 'bool', default: true, help: 'classic mode: an HMM finds words missing from the dictionary' },
];
