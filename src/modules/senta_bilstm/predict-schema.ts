import { z } from 'zod';
import { MAX_TEXTS, MAX_TEXT_CHARS } from '../lac/predict-schema.js';

// The request: PaddleHub's sentiment_classify(texts=[], data={}, use_gpu=False, batch_size=1), plus "text"
// (the key lac 2.2+ clients send), plus a single string as a list of one. As in PaddleHub, an empty list
// is refused.

const list = (error: string) => z.array(z.string({ error: 'expected a list of strings' }), { error })
  .max(MAX_TEXTS, { error: `expected at most ${MAX_TEXTS} texts per request` });
const textField = z.union([z.string({ error: 'expected a string or a list of strings' }), list('expected a string or a list of strings')],
  { error: 'expected a string or a list of strings' });

const INTEGER_1_1024 = 'expected an integer from 1 to 1024';

export const sentaPredictSchema = z.strictObject({
  texts: textField.optional(),
  text: textField.optional(),
  data: z.strictObject({ text: list('expected a list of strings') }, { error: 'expected {"text": [...]}' }).optional(),
  batch_size: z.number({ error: INTEGER_1_1024 }).int({ error: INTEGER_1_1024 })
    .min(1, { error: INTEGER_1_1024 }).max(1024, { error: INTEGER_1_1024 }).default(1),
  use_gpu: z.boolean({ error: 'expected true or false' }).default(false),
}).superRefine((value, ctx) => {
  const given = (['texts', 'text', 'data'] as const).filter((k) => value[k] !== undefined);
  if (given.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['texts'], message: 'give the texts to classify as "texts": a list of strings' });
    return;
  }
  if (given.length > 1) {
    ctx.addIssue({ code: 'custom', path: [given[1]!], message: `give only one of "texts", "text" and "data" (got ${given.join(', ')})` });
    return;
  }
  const key = given[0]!;
  const texts = textsOf(value as SentaPredictArgs);
  const path = key === 'data' ? ['data', 'text'] : [key];
  if (texts.length === 0) {
    ctx.addIssue({ code: 'custom', path, message: 'the list of texts is empty; give at least one text (PaddleHub refuses it too)' });
    return;
  }
  const tooLong = texts.findIndex((t) => t.length > MAX_TEXT_CHARS);
  if (tooLong >= 0) {
    ctx.addIssue({ code: 'custom', path: [...path, tooLong], message: `texts are limited to ${MAX_TEXT_CHARS} characters (this one has ${texts[tooLong]!.length})` });
  }
});

export type SentaPredictArgs = z.output<typeof sentaPredictSchema>;

/** The texts of a validated request, as a list. */
export function textsOf(args: Pick<SentaPredictArgs, 'texts' | 'text' | 'data'>): string[] {
  const input = args.texts ?? args.text ?? args.data?.text ?? [];
  return typeof input === 'string' ? [input] : input;
}

export const sentaInitSchema = z.strictObject({
  version: z.union([z.string(), z.number()], { error: 'expected a version like "1.2.1"' }).optional(),
  directory: z.string({ error: 'expected the path of a folder holding model.onnx and vocab.txt' }).min(1).optional(),
});

export const sentaArgsHelp = [
  { name: 'texts', type: 'list[str] | str', default: undefined, required: true, help: 'texts to classify, at least one ("text", or "data": {"text": [...]}, are accepted too)' },
  { name: 'batch_size', type: 'int 1..1024', default: 1, help: 'accepted for compatibility: calls are formed by the scheduler, across requests' },
  { name: 'use_gpu', type: 'bool', default: false, help: 'accepted for compatibility; the server\'s --use_gpu decides the device' },
];
