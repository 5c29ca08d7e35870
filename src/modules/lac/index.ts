import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallContext, LoadedModule, ModuleContext, ModuleDefinition, InstallResult } from '../types.js';
import { lacFiles, type LacVocabFile } from './cache-files.js';
import { LAC_TASK_FILE, packBatch, runBatches } from './batch.js';
import { lacManifest } from './manifest.js';
import { lacArgsHelp, lacInitSchema, lacPredictSchema, type LacPredictArgs } from './predict-schema.js';
import { encodeText, tagsToWords } from './segment.js';
import { applyUserDict, parseUserDict, type UserDict } from './user-dict.js';
import { installLac, installedLac } from './weights.js';

export interface LacResult {
  word: string[];
  tag?: string[];
}

class LacModule implements LoadedModule {
  readonly manifest = lacManifest;

  constructor(
    private readonly context: ModuleContext,
    readonly weightsFrom: string,
    private readonly directory: string,
    private readonly vocab: Map<string, number>,
    private readonly oovId: number,
    private readonly tags: string[],
    private readonly userDict: UserDict | undefined,
  ) {}

  async predict(raw: Record<string, unknown>, call: CallContext): Promise<LacResult[]> {
    const args = raw as LacPredictArgs;
    const input = args.text ?? args.texts ?? [];
    const texts = typeof input === 'string' ? [input] : input;
    const results: LacResult[] = new Array(texts.length);
    const pending: number[] = [];
    texts.forEach((text, i) => {
      if (text.length === 0) results[i] = { word: [''], tag: [''] };
      else pending.push(i);
    });
    const batches: number[][] = [];
    for (let i = 0; i < pending.length; i += args.batch_size) batches.push(pending.slice(i, i + args.batch_size));
    const encoded = batches.map((batch) => batch.map((i) => encodeText(texts[i]!, this.vocab, this.oovId)));
    const tagIds = await runBatches(this.context.pool, this.directory, encoded.map((batch) => packBatch(batch.map((e) => e.ids))), call.signal);
    batches.forEach((batch, n) => batch.forEach((textIndex, b) => {
      let result = tagsToWords(encoded[n]![b]!.chars, tagIds[n]![b]!, this.tags);
      if (this.userDict) result = applyUserDict(this.userDict, texts[textIndex]!, result);
      results[textIndex] = args.return_tag ? result : { word: result.word };
    }));
    return results;
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
  installed: (initArgs) => installedLac(initArgs),
  install: (initArgs, progress) => installLac(initArgs, progress),
  async load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule> {
    const init = context.initArgs as { user_dict?: string };
    const userDict = await loadUserDict(init.user_dict);
    const vocabFile = JSON.parse(await readFile(join(installed.directory, lacFiles.vocab), 'utf8')) as LacVocabFile;
    const tags = JSON.parse(await readFile(join(installed.directory, lacFiles.tags), 'utf8')) as string[];
    const vocab = new Map(Object.entries(vocabFile.chars));
    // Every thread loads the session now, so the first request does not pay for it.
    await context.pool.broadcast(LAC_TASK_FILE, { directory: installed.directory, warmup: true });
    return new LacModule(context, installed.source, installed.directory, vocab, vocabFile.oovId, tags, userDict);
  },
};

