import type { ModuleManifest } from '../types.js';

export const jiebaPaddleManifest: ModuleManifest = {
  name: 'jieba_paddle',
  version: '1.0.0',
  compatibleVersions: [],
  task: 'word_segmentation',
  summary: "jieba's Chinese word segmentation: the paddle mode (Baidu's LAC small BiGRU) or the classic dictionary + HMM cutter",
  weights: "paddle mode: the lac module's model (Debian's python3-jieba); classic mode: jieba's dictionary in npm @node-rs/jieba",
  input: '{"sentence": "今天是个好日子", "use_paddle": true, "cut_all": false, "HMM": true}',
  output: '["今天", "是", "个", "好日子"]: the words of the sentence',
  example: { sentence: '今天是个好日子，天气预报说今天要下雨', use_paddle: false },
};
