import type { CallContext, InstallResult, LoadedModule, ModuleContext, ModuleDefinition } from '../types.js';
import { lac } from '../lac/index.js';
import { LacScheduler, LAC_TASK_FILE } from '../lac/batch.js';
import { readLexicon } from '../lac/cache-files.js';
import { LAC_DEFAULT_LIMITS, analyseTexts, type LacLexicon } from '../lac/pipeline.js';
import { ClassicCutter } from './classic.js';
import { jiebaPaddleManifest } from './manifest.js';
import { jiebaArgsHelp, jiebaInitSchema, jiebaPredictSchema, type JiebaPredictArgs } from './predict-schema.js';

// PaddleHub's jieba_paddle: `use_paddle` true runs jieba's paddle mode, which is Baidu's LAC small network,
// through the lac pipeline and its scheduler; false runs jieba's classic cutter. Results are the words.

class JiebaPaddleModule implements LoadedModule {
  readonly manifest = jiebaPaddleManifest;

  constructor(
    readonly weightsFrom: string,
    private readonly classic: ClassicCutter,
    private readonly lexicon: LacLexicon,
    private readonly scheduler: LacScheduler,
  ) {}

  async predict(raw: Record<string, unknown>, call: CallContext): Promise<string[]> {
    const args = raw as JiebaPredictArgs;
    if (args.sentence.length === 0) return [];
    if (!args.use_paddle) return this.classic.cut(args.sentence, args.cut_all, args.HMM);
    const [result] = await analyseTexts([args.sentence], this.lexicon, LAC_DEFAULT_LIMITS.maxPieceChars, this.scheduler.pieces(call));
    return result!.word;
  }
}

export const jiebaPaddle: ModuleDefinition = {
  manifest: jiebaPaddleManifest,
  initSchema: jiebaInitSchema,
  predictSchema: jiebaPredictSchema,
  describeArgs: () => jiebaArgsHelp,
  // The paddle mode needs lac's converted model; the classic mode's dictionary ships with the npm package.
  installed: () => lac.installed({}),
  install: (_initArgs, progress) => lac.install({}, progress),
  async load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule> {
    const classic = await ClassicCutter.create((context.initArgs as { user_dict?: string }).user_dict);
    const lexicon = await readLexicon(installed.directory);
    await context.pool.broadcast(LAC_TASK_FILE, { directory: installed.directory, warmup: true });
    const scheduler = new LacScheduler(context.pool, installed.directory, lexicon.oovId, 'jieba_paddle', context);
    return new JiebaPaddleModule(`${installed.source}; classic mode: npm @node-rs/jieba`, classic, lexicon, scheduler);
  },
};
