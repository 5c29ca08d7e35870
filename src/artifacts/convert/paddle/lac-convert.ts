// Turns an installed LAC model directory (model_baseline/ + word.dic + tag.dic, as jieba's lac_small and
// PaddleHub's lac ship it) into everything the runner needs: ONNX bytes, CRF weights and dictionaries.

import { readFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { readPaddleTensor, type PaddleTensor } from './paddle-tensor.js';
import { LAC_TENSOR_NAMES, checkLacShapes, type LacTensorName, type LacTensors } from './lac-tensors.js';
import { buildLacGraph } from './lac-graph.js';
import { parseCharMap, parseTagDict, parseWordDict } from './lac-dicts.js';

export interface LacArtifacts {
  /** ONNX model bytes: word_ids int64 [B,T] + seq_lens int32 [B] -> emissions float32 [B,T,numTags]. */
  onnx: Uint8Array;
  /** crfw, (numTags + 2) x numTags: start row, end row, then trans[from][to]. */
  crf: Float32Array;
  vocab: Map<string, number>;
  oovId: number;
  /** Tag id -> label such as 'TIME-B', 'n-I' or 'O'. */
  tags: string[];
  /** Per-character replacements applied before vocab lookup (q2b.dic); empty when the model has none. */
  charMap: Map<string, string>;
}

export const LAC_WEIGHTS_DIR = 'model_baseline';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads and shape-checks every Paddle parameter file under `<dir>/model_baseline/`. */
export async function loadLacTensors(dir: string): Promise<LacTensors> {
  const weightsDir = join(dir, LAC_WEIGHTS_DIR);
  const entries = await Promise.all(LAC_TENSOR_NAMES.map(async (name): Promise<[LacTensorName, PaddleTensor]> => {
    const file = join(weightsDir, name);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (err) {
      throw new Error(`LAC parameter file ${file} cannot be read: ${(err as Error).message}`);
    }
    return [name, readPaddleTensor(bytes, file)];
  }));
  const tensors = Object.fromEntries(entries) as Record<LacTensorName, PaddleTensor>;
  try {
    checkLacShapes(tensors);
  } catch (err) {
    throw new Error(`${weightsDir}: ${(err as Error).message}`);
  }
  return tensors;
}

export async function convertLacDirectory(dir: string): Promise<LacArtifacts> {
  const tensors = await loadLacTensors(dir);
  const wordFile = join(dir, 'word.dic');
  const tagFile = join(dir, 'tag.dic');
  const q2bFile = join(dir, 'q2b.dic');
  const words = parseWordDict(await readFile(wordFile, 'utf8'), wordFile);
  const tags = parseTagDict(await readFile(tagFile, 'utf8'), tagFile);
  // jieba's lac_small has no q2b.dic; PaddleHub's full lac does and replaces characters before lookup.
  const charMap = (await exists(q2bFile)) ? parseCharMap(await readFile(q2bFile, 'utf8'), q2bFile) : new Map<string, string>();

  const { vocabSize, numTags } = checkLacShapes(tensors);
  if (words.size > vocabSize) {
    throw new Error(`${wordFile} uses ids up to ${words.size - 1} but ${join(dir, LAC_WEIGHTS_DIR, 'word_emb')} ` +
      `has only ${vocabSize} rows`);
  }
  if (tags.length !== numTags) {
    throw new Error(`${tagFile} lists ${tags.length} tags but ${join(dir, LAC_WEIGHTS_DIR, 'fc_4.b_0')} ` +
      `produces ${numTags} scores`);
  }

  return {
    onnx: buildLacGraph(tensors),
    crf: tensors.crfw.data,
    vocab: words.vocab,
    oovId: words.oovId,
    tags,
    charMap,
  };
}
