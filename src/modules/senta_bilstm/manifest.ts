import type { ModuleManifest } from '../types.js';
import { SENTA_SIGNATURE, sentaFiles } from './senta-files.js';

/** Environment variable naming a folder with model.onnx and vocab.txt. */
export const SENTA_DIR_ENV = 'HUB_SENTA_DIR';

const SENTA_NEEDS = `senta_bilstm needs ${sentaFiles.model} and ${sentaFiles.vocab} in init_args.directory or ${SENTA_DIR_ENV}`;
const NO_PACKAGE = 'no package reachable here holds Chinese sentiment weights';

/** What to say when there are no weights; `detail` names a folder that was given but lacks files. */
export function noWeightsMessage(detail?: string): string {
  return `no weights: ${SENTA_NEEDS}${detail ? ` (${detail})` : ''}; ${NO_PACKAGE}`;
}

export const sentaManifest: ModuleManifest = {
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
};
