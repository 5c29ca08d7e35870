import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallContext, InstallResult, LoadedModule, ModuleContext, ModuleDefinition } from '../types.js';
import type { SentaTask, SentaWarmup } from './infer.worker.js';
import { noWeightsMessage, sentaManifest } from './manifest.js';
import { sentaArgsHelp, sentaInitSchema, sentaPredictSchema, textsOf, type SentaPredictArgs } from './predict-schema.js';
import { sentaResult, type SentaResult } from './result.js';
import { sentaFiles } from './senta-files.js';
import { LAC_TASK_FILE } from '../lac/batch.js';
import { loadLacSegmenter, segmentWords, type LacSegmenter } from './segment-words.js';
import { parseSentaVocab, wordsToIds, type SentaVocab } from './vocab.js';
import { installSenta, installedSenta } from './weights.js';

const WORKER = new URL('./infer.worker.js', import.meta.url).href;

// PaddleHub's senta_bilstm: texts -> LAC words -> vocab ids -> BiLSTM -> [negative, positive] -> results.

class SentaModule implements LoadedModule {
  readonly manifest = sentaManifest;

  constructor(
    private readonly context: ModuleContext,
    readonly weightsFrom: string,
    private readonly model: string,
    private readonly vocab: SentaVocab,
    private readonly segmenter: LacSegmenter,
  ) {}

  async predict(raw: Record<string, unknown>, call: CallContext): Promise<SentaResult[]> {
    const args = raw as SentaPredictArgs;
    const texts = textsOf(args);
    const results: SentaResult[] = new Array(texts.length);
    const batches: number[][] = [];
    for (let i = 0; i < texts.length; i += args.batch_size) {
      batches.push(Array.from({ length: Math.min(args.batch_size, texts.length - i) }, (_, k) => i + k));
    }
    // Batches run side by side on the inference threads; each is one lac call and one senta call.
    await Promise.all(batches.map(async (batch) => {
      const words = await segmentWords(this.segmenter, batch.map((i) => texts[i]!), this.context.pool, call.signal);
      const probs = await this.classify(words.map((w) => wordsToIds(w, this.vocab)), call);
      batch.forEach((textIndex, b) => {
        results[textIndex] = sentaResult(texts[textIndex]!, probs[2 * b]!, probs[2 * b + 1]!);
      });
    }));
    return results;
  }

  private async classify(sequences: Int32Array[], call: CallContext): Promise<Float32Array> {
    const width = Math.max(...sequences.map((s) => s.length));
    // Padding is the <unk> id, a valid row of any embedding; seq_lens keeps it out of the result.
    const ids = new BigInt64Array(sequences.length * width).fill(BigInt(this.vocab.unkId));
    const lengths = new Int32Array(sequences.length);
    sequences.forEach((seq, b) => {
      lengths[b] = seq.length;
      for (let t = 0; t < seq.length; t++) ids[b * width + t] = BigInt(seq[t]!);
    });
    const task: SentaTask = { model: this.model, ids, lengths, width };
    return this.context.pool.run<Float32Array>(WORKER, task, { signal: call.signal, transferList: [ids.buffer, lengths.buffer] });
  }
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

export const sentaBilstm: ModuleDefinition = {
  manifest: sentaManifest,
  initSchema: sentaInitSchema,
  predictSchema: sentaPredictSchema,
  describeArgs: () => sentaArgsHelp,
  missingWeights: () => noWeightsMessage(),
  installed: (initArgs) => installedSenta(initArgs),
  install: (initArgs, progress) => installSenta(initArgs, progress),
  async load(context: ModuleContext, installed: InstallResult): Promise<LoadedModule> {
    const vocab = await loadVocab(installed.directory);
    const segmenter = await loadLacSegmenter();
    const model = join(installed.directory, sentaFiles.model);
    // Every thread loads both sessions now, and proves the classifier on one word, before the first request.
    const warmup: SentaWarmup = { model, unkId: vocab.unkId, warmup: true };
    await context.pool.broadcast(WORKER, warmup);
    await context.pool.broadcast(LAC_TASK_FILE, { directory: segmenter.directory, warmup: true });
    return new SentaModule(context, installed.source, model, vocab, segmenter);
  },
};
