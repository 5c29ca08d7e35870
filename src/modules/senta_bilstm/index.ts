import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { arg, type ArgumentValues } from '../contract/arguments.js';
import { defineModule } from '../contract/define-module.js';
import { inferModel } from '../contract/model-handle.js';
import { integerField, useGpuArgument, versionArgument } from '../_vision/request-schema.js';
import { LAC_DEFAULT_SCHEDULE, MAX_TEXTS, MAX_TEXT_CHARS, analyse, lac, lacTagger, openLacText } from '../lac/index.js';
import type { WordIds } from './classify.infer.js';
import { NO_PACKAGE, noWeightsMessage } from './manifest.js';
import { sentaResult } from './result.js';
import { SENTA_SIGNATURE, sentaFiles } from './senta-files.js';
import { parseSentaVocab, wordsToIds, type SentaVocab } from './vocab.js';
import { installSenta, installedSenta } from './weights.js';

// PaddleHub's senta_bilstm: texts -> LAC's words -> vocab ids -> BiLSTM -> [negative, positive] -> results.
// Two models in turn: LAC's network cuts the words (PaddleHub's senta calls its lac module and looks up each
// word it returns; we run lac's own pipeline and tagger, and keep the words), then the classifier.

const list = (error: string) => z.array(z.string({ error: 'expected a list of strings' }), { error })
  .max(MAX_TEXTS, { error: `expected at most ${MAX_TEXTS} texts per request` });
const textField = z.union([z.string({ error: 'expected a string or a list of strings' }), list('expected a string or a list of strings')],
  { error: 'expected a string or a list of strings' }).optional();

// The request: PaddleHub's sentiment_classify(texts=[], data={}, use_gpu=False, batch_size=1), plus "text"
// (the key lac 2.2+ clients send), plus a single string as a list of one. As in PaddleHub, an empty list is refused.
const sentaArguments = {
  texts: arg(textField, 'texts to classify, at least one ("text", or "data": {"text": [...]}, are accepted too)', { type: 'list[str] | str', required: true }),
  text: arg(textField, 'texts to classify, as lac 2.2+ clients name them', { hidden: true }),
  data: arg(z.strictObject({ text: list('expected a list of strings') }, { error: 'expected {"text": [...]}' }).optional(), "PaddleHub's {\"text\": [...]}", { hidden: true }),
  batch_size: arg(integerField(1, 1024, 1), 'accepted for compatibility: calls are formed by the scheduler, across requests', { type: 'int 1..1024' }),
  use_gpu: useGpuArgument,
};

/** The texts of a validated request, as a list. */
export function textsOf(args: Pick<ArgumentValues<typeof sentaArguments>, 'texts' | 'text' | 'data'>): string[] {
  const input = args.texts ?? args.text ?? args.data?.text ?? [];
  return typeof input === 'string' ? [input] : input;
}

async function loadVocab(directory: string): Promise<SentaVocab> {
  const file = join(directory, sentaFiles.vocab);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`senta_bilstm: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return parseSentaVocab(text, file);
  } catch (error) {
    throw new Error(`senta_bilstm: ${(error as Error).message}`);
  }
}

export const sentaBilstm = defineModule({
  manifest: {
    name: 'senta_bilstm',
    version: '1.2.1',
    // The request and result format has not changed across PaddleHub's releases of the module.
    compatibleVersions: ['1.0.0', '1.1.0', '1.2.0', '1.2.1'],
    task: 'sentiment_classification',
    summary: "Baidu's Senta: Chinese sentiment classification, negative/positive (LAC words -> BiLSTM)",
    weights: `supplied by the user (${NO_PACKAGE}): ${sentaFiles.model}, an ONNX export of the classifier, ${SENTA_SIGNATURE}; ` +
      `${sentaFiles.vocab}: PaddleHub's senta_bilstm assets/vocab.txt (word<TAB>id lines). Words come from the lac module, which installs itself`,
    input: '{"texts": ["这家餐厅很好吃"]} (or "text", or "data": {"text": [...]}), with optional batch_size, use_gpu',
    output: '{"text": "这家餐厅很好吃", "sentiment_label": 1, "sentiment_key": "positive", "positive_probs": 0.9407, "negative_probs": 0.0593} per text',
    example: { texts: ['这家餐厅很好吃', '这部电影真的很差劲'] },
  },
  arguments: sentaArguments,
  check(value, context) {
    const given = (['texts', 'text', 'data'] as const).filter((k) => value[k] !== undefined);
    if (given.length === 0) {
      context.addIssue({ code: 'custom', path: ['texts'], message: 'give the texts to classify as "texts": a list of strings' });
      return;
    }
    if (given.length > 1) {
      context.addIssue({ code: 'custom', path: [given[1]!], message: `give only one of "texts", "text" and "data" (got ${given.join(', ')})` });
      return;
    }
    const texts = textsOf(value);
    const path = given[0] === 'data' ? ['data', 'text'] : [given[0]!];
    if (texts.length === 0) {
      context.addIssue({ code: 'custom', path, message: 'the list of texts is empty; give at least one text (PaddleHub refuses it too)' });
      return;
    }
    const tooLong = texts.findIndex((t) => t.length > MAX_TEXT_CHARS);
    if (tooLong >= 0) {
      context.addIssue({ code: 'custom', path: [...path, tooLong], message: `texts are limited to ${MAX_TEXT_CHARS} characters (this one has ${texts[tooLong]!.length})` });
    }
  },
  init: {
    version: versionArgument('1.2.1'),
    directory: arg(z.string({ error: 'expected the path of a folder holding model.onnx and vocab.txt' }).min(1).optional(), 'a folder holding model.onnx and vocab.txt'),
  },
  result: z.object({
    text: z.string(),
    sentiment_label: z.union([z.literal(0), z.literal(1)]),
    sentiment_key: z.enum(['negative', 'positive']),
    positive_probs: z.number().min(0).max(1),
    negative_probs: z.number().min(0).max(1),
  }),
  artifacts: {
    installed: (init) => installedSenta(init),
    install: (init, progress) => installSenta(init, progress),
    missing: () => noWeightsMessage(),
  },
  models: {
    lac: lacTagger,
    classifier: inferModel<typeof import('./classify.infer.js').default>(new URL('./classify.infer.js', import.meta.url), LAC_DEFAULT_SCHEDULE),
  },
  async load({ installed, open }) {
    const vocab = await loadVocab(installed.directory);
    // senta's install step prepares lac, so its absence here is an error.
    const lacInstalled = await lac.installed({});
    if (!lacInstalled) throw new Error('senta_bilstm: word segmentation needs the lac model, which is not installed: run `hub install lac`');
    // Every thread loads both models and proves the classifier on one word before the first request.
    const classifier = await open('classifier', { model: join(installed.directory, sentaFiles.model), unkId: vocab.unkId });
    const text = await openLacText(lacInstalled.directory, (files) => open('lac', files));
    return { vocab, text, classifier };
  },
  // batch_size is accepted as PaddleHub has it; calls are formed by the scheduler, across requests.
  async predict(args, { vocab, text, classifier }, call) {
    const texts = textsOf(args);
    // An empty text's words are [''], which is looked up like any other word.
    const words = (await analyse(text, texts, call)).map((result) => result.word);
    const items = words.map((w): WordIds => {
      const ids = wordsToIds(w, vocab);
      return { size: ids.length, ids };
    });
    const probs = await classifier.infer(items, call);
    return texts.map((t, i) => sentaResult(t, ...probs[i]!));
  },
});
