import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallContext, InstallResult, LoadedModule, ModuleContext, ModuleDefinition } from '../types.js';
import type { SentaTask, SentaWarmup } from './infer.worker.js';
import { noWeightsMessage, sentaManifest } from './manifest.js';
import { sentaArgsHelp, sentaInitSchema, sentaPredictSchema, textsOf, type SentaPredictArgs } from './predict-schema.js';
import { sentaResult, type SentaResult } from './result.js';
import { sentaFiles } from './senta-files.js';
import { scheduleWith, type Batcher } from '../../scheduler/batcher.js';
import { modelBatcher } from '../../scheduler/model-batcher.js';
import { LAC_DEFAULT_SCHEDULE, LAC_TASK_FILE } from '../lac/batch.js';
import { packBatch } from '../lac/pipeline.js';
import { loadLacSegmenter, segmentWords, type LacSegmenter } from './segment-words.js';
import { parseSentaVocab, wordsToIds, type SentaVocab } from './vocab.js';
import { installSenta, installedSenta } from './weights.js';

const WORKER = new URL('./infer.worker.js', import.meta.url).href;

// PaddleHub's senta_bilstm: texts -> LAC words -> vocab ids -> BiLSTM -> [negative, positive] -> results.

class SentaModule implements LoadedModule {
  readonly manifest = sentaManifest;

  constructor(
    readonly weightsFrom: string,
    private readonly vocab: SentaVocab,
    private readonly segmenter: LacSegmenter,
    private readonly classifier: Batcher<WordIds, [number, number]>,
  ) {}

  /** batch_size is accepted as PaddleHub has it; calls are formed by the scheduler, across requests. */
  async predict(raw: Record<string, unknown>, call: CallContext): Promise<SentaResult[]> {
    const texts = textsOf(raw as SentaPredictArgs);
    const words = await segmentWords(this.segmenter, texts, call);
    const items = words.map((w) => {
      const ids = wordsToIds(w, this.vocab);
      return { size: ids.length, ids };
    });
    const probs = await this.classifier.submit(items, call);
    return texts.map((text, i) => sentaResult(text, probs[i]![0], probs[i]![1]));
  }
}

interface WordIds {
  size: number;
  ids: Int32Array;
}

/** The classifier behind a batcher: word-id sequences of concurrent requests share calls. */
function sentaClassifier(context: ModuleContext, model: string, unkId: number): Batcher<WordIds, [number, number]> {
  const { pool } = context;
  const execute = async (items: WordIds[]): Promise<[number, number][]> => {
    // Padding is the <unk> id, a valid row of any embedding; seq_lens keeps it out of the result.
    const { ids, lengths, width } = packBatch(items.map((item) => item.ids), unkId);
    const task: SentaTask = { model, ids, lengths, width };
    const probs = await pool.run<Float32Array>(WORKER, task, { transferList: [ids.buffer as ArrayBuffer, lengths.buffer as ArrayBuffer] });
    return items.map((_, b) => [probs[2 * b]!, probs[2 * b + 1]!]);
  };
  return modelBatcher('senta_bilstm', pool, context, scheduleWith(LAC_DEFAULT_SCHEDULE, context.schedule), execute);
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
    const segmenter = await loadLacSegmenter(context);
    const model = join(installed.directory, sentaFiles.model);
    // Every thread loads both sessions now, and proves the classifier on one word, before the first request.
    const warmup: SentaWarmup = { model, unkId: vocab.unkId, warmup: true };
    await context.pool.broadcast(WORKER, warmup);
    await context.pool.broadcast(LAC_TASK_FILE, { directory: segmenter.directory, warmup: true });
    return new SentaModule(installed.source, vocab, segmenter, sentaClassifier(context, model, vocab.unkId));
  },
};
