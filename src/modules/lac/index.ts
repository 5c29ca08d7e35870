import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { CallContext } from '../types.js';
import { arg } from '../contract/arguments.js';
import { defineModule } from '../contract/define-module.js';
import { inferModel, type ModelHandle, type ModelSchedule } from '../contract/model-handle.js';
import { booleanField, integerField, useGpuArgument, versionArgument } from '../_vision/request-schema.js';
import { lexiconOf, readLexiconFiles } from './cache-files.js';
import { LAC_DEBIAN_PACKAGE } from './manifest.js';
import { LAC_DEFAULT_LIMITS, analyseTexts, type LacLexicon } from './pipeline.js';
import type { LacSegmentation } from './segment.js';
import type { LacPiece, LacTaggerFiles } from './tagger.infer.js';
import { lacTensors } from './tensors.js';
import { parseUserDict, type UserDict } from './user-dict.js';
import { installLac, installedLac } from './weights.js';

// PaddleHub's lac: texts -> words and their tags. Texts go through the one LAC pipeline (pipeline.ts: q2b,
// pieces longest first, the user dictionary); the pieces go to LAC's network, declared here once as the tagger
// model (tagger.infer.ts), whose calls take pieces of concurrent requests. jieba_paddle and senta_bilstm open
// the same model through openLacText and analyse.

/** Texts longer than this are refused: the BiGRU is sequential, so one huge text would hold a thread for long. */
export const MAX_TEXT_CHARS = 100_000;
export const MAX_TEXTS = 10_000;

/** The pipeline's call limits; 20,000 pieces hold any one request. */
export const LAC_DEFAULT_SCHEDULE: ModelSchedule = {
  maxBatchSize: LAC_DEFAULT_LIMITS.maxRows,
  maxElements: LAC_DEFAULT_LIMITS.maxElements,
  maxQueueDelayMs: 0,
  maxQueueSize: 20_000,
  // Short texts make calls of little work: one at a time leaves a core to the event loop (c=16 and c=64: about 1.15x).
  spreadWhenFull: true,
};

/** LAC's network: text pieces in, tag ids per piece out. */
export const lacTagger = inferModel<typeof import('./tagger.infer.js').default>(new URL('./tagger.infer.js', import.meta.url), LAC_DEFAULT_SCHEDULE);

/** A module's hold on LAC: the lexicon on this thread, the network in every inference thread. */
export interface LacText {
  lexicon: LacLexicon;
  tagger: ModelHandle<LacPiece, Int32Array, void>;
}

/** Reads a prepared model's lexicon (q2b included) and opens its network with `open` (the module's own `open` of lacTagger). */
export async function openLacText(directory: string, open: (files: LacTaggerFiles) => Promise<LacText['tagger']>): Promise<LacText> {
  const files = await readLexiconFiles(directory);
  // The inference threads open the network while this thread builds the dictionaries: a start waits for the
  // longer of the two, not both.
  const tagger = open({ directory, oovId: files.vocab.oovId });
  const lexicon = lexiconOf(files);
  return { lexicon, tagger: await tagger };
}

/** One segmentation per text, in order: the pipeline fed by the tagger, so pieces of this request share calls with others'. */
export function analyse({ lexicon, tagger }: LacText, texts: readonly string[], call: CallContext, userDict?: UserDict): Promise<LacSegmentation[]> {
  const run = (pieces: Int32Array[]) => tagger.infer(pieces.map((ids) => ({ size: ids.length, ids })), call);
  return analyseTexts(texts, lexicon, LAC_DEFAULT_LIMITS.maxPieceChars, run, userDict);
}

async function loadUserDict(path: string | undefined): Promise<UserDict | undefined> {
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`lac: init_args.user_dict ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return parseUserDict(text);
  } catch (error) {
    throw new Error(`lac: init_args.user_dict ${path}: ${(error as Error).message}`);
  }
}

const TEXTS_ERROR = 'expected a string or a list of strings';
const textField = z.union([
  z.string({ error: TEXTS_ERROR }),
  z.array(z.string({ error: 'expected a list of strings' }), { error: TEXTS_ERROR }).max(MAX_TEXTS, { error: `expected at most ${MAX_TEXTS} texts per request` }),
], { error: TEXTS_ERROR }).optional();

const lacResult = z.object({ word: z.array(z.string()), tag: z.array(z.string()).optional() });
export type LacResult = z.output<typeof lacResult>;

export const lac = defineModule({
  manifest: {
    name: 'lac',
    version: '2.2.0',
    // Versions whose request and result format is ours too: `texts` (up to 2.1) and `text` (2.2+) are both accepted.
    compatibleVersions: ['1.0.0', '1.1.0', '2.0.0', '2.1.0', '2.1.1', '2.2.0', '2.3.0', '2.4.0'],
    task: 'lexical_analysis',
    summary: "Baidu's LAC: Chinese word segmentation, part-of-speech and named-entity tags (BiGRU-CRF)",
    weights: `Baidu's LAC small model, from Debian's ${LAC_DEBIAN_PACKAGE} (jieba/lac_small), converted to ONNX on install`,
    input: '{"text": ["今天是个好日子"]} (or "texts"), with optional batch_size, return_tag, use_gpu',
    output: '{"word": ["今天", "是", "个", "好日子"], "tag": ["TIME", "v", "q", "n"]} per text',
    example: { text: ['今天是个好日子', '天气预报说今天要下雨'] },
  },
  arguments: {
    text: arg(textField, 'texts to analyse ("texts" is accepted too, as in PaddleHub up to 2.1)', { type: 'list[str] | str', required: true }),
    texts: arg(textField, 'texts to analyse, as PaddleHub up to 2.1 names them', { hidden: true }),
    batch_size: arg(integerField(1, 1024, 1), 'accepted for compatibility: calls are formed by the scheduler, across requests', { type: 'int 1..1024' }),
    return_tag: arg(booleanField(true), 'false leaves out "tag"'),
    use_gpu: useGpuArgument,
  },
  check(value, context) {
    if (value.text === undefined && value.texts === undefined) {
      context.addIssue({ code: 'custom', path: ['text'], message: 'give the texts to analyse as "text" (or "texts"): a list of strings' });
    } else if (value.text !== undefined && value.texts !== undefined) {
      context.addIssue({ code: 'custom', path: ['texts'], message: 'give either "text" or "texts", not both' });
    }
    const texts = value.text ?? value.texts ?? [];
    const list = typeof texts === 'string' ? [texts] : texts;
    const tooLong = list.findIndex((t) => t.length > MAX_TEXT_CHARS);
    if (tooLong >= 0) {
      context.addIssue({ code: 'custom', path: [value.text !== undefined ? 'text' : 'texts', tooLong], message: `texts are limited to ${MAX_TEXT_CHARS} characters (this one has ${list[tooLong]!.length})` });
    }
  },
  init: {
    version: versionArgument('2.2.0'),
    user_dict: arg(z.string({ error: 'expected the path of a dictionary file' }).min(1).optional(), "PaddleHub's custom dictionary: phrases to segment and tag your way"),
    directory: arg(z.string({ error: 'expected the path of a lac_small folder' }).min(1).optional(), "a LAC folder (jieba's lac_small, or PaddleHub's lac with its q2b.dic)"),
  },
  result: lacResult,
  artifacts: {
    installed: (init) => installedLac(init),
    install: (init, progress) => installLac(init, progress),
  },
  models: { tagger: lacTagger },
  async load({ init, installed, open }) {
    const userDict = await loadUserDict(init.user_dict);
    // Every thread loads the network and runs it once now, so the first request does not pay for it.
    return { text: await openLacText(installed.directory, (files) => open('tagger', files)), userDict };
  },
  // batch_size is accepted as PaddleHub has it: calls are formed by the scheduler, across requests, and the
  // results do not depend on how texts are batched.
  async predict(args, { text, userDict }, call): Promise<LacResult[]> {
    const input = args.text ?? args.texts ?? [];
    const results = await analyse(text, typeof input === 'string' ? [input] : input, call, userDict);
    return args.return_tag ? results : results.map(({ word }) => ({ word }));
  },
  tensors: lacTensors,
});
