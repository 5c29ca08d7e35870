import { z } from 'zod';
import { arg } from '../contract/arguments.js';
import { defineModule } from '../contract/define-module.js';
import { booleanField, versionArgument } from '../_vision/request-schema.js';
import { MAX_TEXT_CHARS, analyse, lac, lacTagger, openLacText } from '../lac/index.js';
import { ClassicCutter } from './classic.js';

// PaddleHub's jieba_paddle.cut(sentence, use_paddle=True, cut_all=False, HMM=True): `use_paddle` runs jieba's
// paddle mode, which is Baidu's LAC small network, through lac's pipeline and its tagger model; false runs
// jieba's classic cutter on this thread (the paddle mode ignores cut_all and HMM, as jieba's does). Results
// are the words.

export const jiebaPaddle = defineModule({
  manifest: {
    name: 'jieba_paddle',
    version: '1.0.0',
    compatibleVersions: [],
    task: 'word_segmentation',
    summary: "jieba's Chinese word segmentation: the paddle mode (Baidu's LAC small BiGRU) or the classic dictionary + HMM cutter",
    weights: "paddle mode: the lac module's model (Debian's python3-jieba); classic mode: jieba's dictionary in npm @node-rs/jieba",
    input: '{"sentence": "今天是个好日子", "use_paddle": true, "cut_all": false, "HMM": true}',
    output: '["今天", "是", "个", "好日子"]: the words of the sentence',
    example: { sentence: '今天是个好日子，天气预报说今天要下雨', use_paddle: false },
  },
  arguments: {
    sentence: arg(z.string({ error: 'expected the sentence to cut, a string' })
      .max(MAX_TEXT_CHARS, { error: `the sentence is limited to ${MAX_TEXT_CHARS} characters` }), 'the text to cut into words'),
    use_paddle: arg(booleanField(true), "true: Baidu's LAC network (jieba's paddle mode); false: jieba's dictionary cutter"),
    cut_all: arg(booleanField(false), 'classic mode: every word the dictionary finds, overlapping'),
    HMM: arg(booleanField(true), 'classic mode: an HMM finds words missing from the dictionary'),
  },
  init: {
    version: versionArgument('1.0.0'),
    user_dict: arg(z.string({ error: 'expected the path of a jieba dictionary file (word [freq] [tag] per line)' }).min(1).optional(),
      "classic mode: words to add to jieba's dictionary"),
  },
  result: z.string(),
  // The paddle mode needs lac's converted model; the classic mode's dictionary ships with the npm package.
  artifacts: {
    installed: () => lac.installed({}),
    install: (_init, progress) => lac.install({}, progress),
  },
  models: { tagger: lacTagger },
  async load({ init, installed, open }) {
    const classic = await ClassicCutter.create(init.user_dict);
    return { classic, text: await openLacText(installed.directory, (files) => open('tagger', files)) };
  },
  weightsFrom: (installed) => `${installed.source}; classic mode: npm @node-rs/jieba`,
  async predict(args, { classic, text }, call): Promise<string[]> {
    if (args.sentence.length === 0) return [];
    if (!args.use_paddle) return classic.cut(args.sentence, args.cut_all, args.HMM);
    const [result] = await analyse(text, [args.sentence], call);
    return result!.word;
  },
});
