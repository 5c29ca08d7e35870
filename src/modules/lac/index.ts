import { readFile } from 'node:fs/promises';
import type { CallContext, LoadedModule, ModuleContext, ModuleDefinition, InstallResult } from '../types.js';
import { readLexicon } from './cache-files.js';
import { LAC_TASK_FILE, LacScheduler } from './batch.js';
import { lacManifest } from './manifest.js';
import { LAC_DEFAULT_LIMITS, analyseTexts, type LacLexicon } from './pipeline.js';
import { lacArgsHelp, lacInitSchema, lacPredictSchema, type LacPredictArgs } from './predict-schema.js';
import { parseUserDict, type UserDict } from './user-dict.js';
import { lacTensors } from './tensors.js';
import { installLac, installedLac } from './weights.js';

export interface LacResult {
  word: string[];
  tag?: string[];
}

class LacModule implements LoadedModule {
  readonly manifest = lacManifest;

  constructor(
    readonly weightsFrom: string,
    private readonly scheduler: LacScheduler,
    private readonly lexicon: LacLexicon,
    private readonly userDict: UserDict | undefined,
  ) {}

  async predict(raw: Record<string, unknown>, call: CallContext): Promise<LacResult[]> {
    const args = raw as LacPredictArgs;
    const input = args.text ?? args.texts ?? [];
    const texts = typeof input === 'string' ? [input] : input;
    // batch_size is accepted as PaddleHub has it; calls are formed by the scheduler, across requests, and
    // the results do not depend on how texts are batched.
    const results = await analyseTexts(texts, this.lexicon, LAC_DEFAULT_LIMITS.maxPieceChars, this.scheduler.pieces(call), this.userDict);
    return args.return_tag ? results : results.map(({ word }) => ({ word }));
  }
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

export const lac: ModuleDefinition = {
  manifest: lacManifest,
  initSchema: lacInitSchema,
  predictSchema: lacPredictSchema,
  describeArgs: () => lacArgsHelp,
  tensors: lacTensors,
  installed: (initArgs) => installedLac(initArgs),
  install: (initArgs, progress) => installLac(initArgs, progress),
  async load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule> {
    const init = context.initArgs as { user_dict?: string };
    const userDict = await loadUserDict(init.user_dict);
    const lexicon = await readLexicon(installed.directory);
    // Every thread loads the session now, so the first request does not pay for it.
    await context.pool.broadcast(LAC_TASK_FILE, { directory: installed.directory, warmup: true });
    const scheduler = new LacScheduler(context.pool, installed.directory, lexicon.oovId, 'lac', context);
    return new LacModule(installed.source, scheduler, lexicon, userDict);
  },
};

