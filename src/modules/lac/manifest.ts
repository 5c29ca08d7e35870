import type { ModuleManifest } from '../types.js';

export const LAC_SYSTEM_DIR = '/usr/lib/python3/dist-packages/jieba/lac_small';
export const LAC_DEBIAN_PACKAGE = 'python3-jieba';
/** Environment variable naming a lac_small folder, for machines without apt. */
export const LAC_DIR_ENV = 'HUB_LAC_DIR';

export const lacManifest: ModuleManifest = {
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
};
