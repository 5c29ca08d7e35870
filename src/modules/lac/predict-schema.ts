import { z } from 'zod';

/** Texts longer than this are refused: the BiGRU is sequential, so one huge text would hold a thread for long. */
export const MAX_TEXT_CHARS = 100_000;
export const MAX_TEXTS = 10_000;

const textField = z.union([
  z.string({ error: 'expected a string or a list of strings' }),
  z.array(z.string({ error: 'expected a list of strings' }), { error: 'expected a string or a list of strings' })
    .max(MAX_TEXTS, { error: `expected at most ${MAX_TEXTS} texts per request` }),
], { error: 'expected a string or a list of strings' });

export const lacPredictSchema = z.strictObject({
  text: textField.optional(),
  texts: textField.optional(),
  batch_size: z.number({ error: 'expected an integer from 1 to 1024' }).int({ error: 'expected an integer from 1 to 1024' })
    .min(1, { error: 'expected an integer from 1 to 1024' }).max(1024, { error: 'expected an integer from 1 to 1024' }).default(1),
  return_tag: z.boolean({ error: 'expected true or false' }).default(true),
  use_gpu: z.boolean({ error: 'expected true or false' }).default(false),
}).superRefine((value, ctx) => {
  if (value.text === undefined && value.texts === undefined) {
    ctx.addIssue({ code: 'custom', path: ['text'], message: 'give the texts to analyse as "text" (or "texts"): a list of strings' });
  } else if (value.text !== undefined && value.texts !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['texts'], message: 'give either "text" or "texts", not both' });
  }
  const texts = value.text ?? value.texts ?? [];
  const list = typeof texts === 'string' ? [texts] : texts;
  const tooLong = list.findIndex((t) => t.length > MAX_TEXT_CHARS);
  if (tooLong >= 0) {
    ctx.addIssue({ code: 'custom', path: [value.text !== undefined ? 'text' : 'texts', tooLong], message: `texts are limited to ${MAX_TEXT_CHARS} characters (this one has ${list[tooLong]!.length})` });
  }
});

export type LacPredictArgs = z.output<typeof lacPredictSchema>;

export const lacInitSchema = z.strictObject({
  version: z.union([z.string(), z.number()], { error: 'expected a version like "2.2.0"' }).optional(),
  user_dict: z.string({ error: 'expected the path of a dictionary file' }).min(1).optional(),
  directory: z.string({ error: 'expected the path of a lac_small folder' }).min(1).optional(),
});

export const lacArgsHelp = [
  { name: 'text', type: 'list[str] | str', default: undefined, required: true, help: 'texts to analyse ("texts" is accepted too, as in PaddleHub up to 2.1)' },
  { name: 'batch_size', type: 'int 1..1024', default: 1, help: 'accepted for compatibility: calls are formed by the scheduler, across requests' },
  { name: 'return_tag', type: 'bool', default: true, help: 'false leaves out "tag"' },
  { name: 'use_gpu', type: 'bool', default: false, help: 'accepted for compatibility; the server\'s --use_gpu decides the device' },
];
