import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hubError } from '../../../src/errors/catalogue.js';
import { parseOrThrow } from '../../../src/config/issues.js';
import { sentaBilstm, textsOf } from '../../../src/modules/senta_bilstm/index.js';
import type { ZodType } from 'zod';

/** The module's request schema, as the server checks a body before predict sees it. */
const sentaPredictSchema = sentaBilstm.predictSchema as ZodType<Parameters<typeof textsOf>[0]>;

// The request as PaddleHub's sentiment_classify(texts=[], data={}, use_gpu=False, batch_size=1) takes it.

const parse = (body: unknown) => parseOrThrow(sentaPredictSchema, body, (line) => hubError('INVALID_ARGUMENT', line));

test('texts, text, data.text and a single string all give the list of texts; defaults filled in', () => {
  assert.deepEqual(parse({ texts: ['好', '差'] }), { texts: ['好', '差'], batch_size: 1, use_gpu: false });
  assert.deepEqual(textsOf(parse({ text: ['好'] })), ['好']);
  assert.deepEqual(textsOf(parse({ data: { text: ['好', ''] } })), ['好', '']);
  assert.deepEqual(textsOf(parse({ texts: '好' })), ['好']);
  assert.deepEqual(parse({ texts: ['好'], batch_size: 4, use_gpu: true }), { texts: ['好'], batch_size: 4, use_gpu: true });
});

test('an empty list is refused, as PaddleHub refuses it', () => {
  assert.throws(() => parse({ texts: [] }), /^HubError: texts: \[\] is not allowed: the list of texts is empty; give at least one text/);
  assert.throws(() => parse({ data: { text: [] } }), /data\.text: \[\] is not allowed: the list of texts is empty/);
});

test('missing, doubled, mistyped and unknown arguments are named', () => {
  assert.throws(() => parse({}), /texts: nothing is not allowed: give the texts to classify as "texts"/);
  assert.throws(() => parse({ texts: ['a'], text: ['b'] }), /give only one of "texts", "text" and "data" \(got texts, text\)/);
  assert.throws(() => parse({ texts: 5 }), /texts: 5 is not allowed: expected a string or a list of strings/);
  assert.throws(() => parse({ texts: ['a', 3] }), /texts/);
  assert.throws(() => parse({ texts: ['a'], batch_size: 0 }), /batch_size: 0 is not allowed: expected an integer from 1 to 1024/);
  assert.throws(() => parse({ texts: ['a'], use_gpu: 'yes' }), /use_gpu: "yes" is not allowed: expected true or false/);
  assert.throws(() => parse({ texts: ['a'], top_k: 1 }), /unknown key "top_k"; accepted keys: texts, text, data, batch_size, use_gpu/);
  assert.throws(() => parse({ data: { texts: ['a'] } }), /data\.text: nothing is not allowed: expected a list of strings/);
  assert.throws(() => parse({ data: { text: ['a'], texts: ['a'] } }), /data: unknown key "texts"; accepted keys: text/);
  assert.throws(() => parse({ data: ['a'] }), /data: \["a"\] is not allowed: expected \{"text": \[\.\.\.\]\}/);
});
