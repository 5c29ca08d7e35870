/** The files of a prepared LAC model in its cache folder. */
export const lacFiles = {
  model: 'model.onnx',
  crf: 'crf.f32',
  vocab: 'vocab.json',
  tags: 'tags.json',
  info: 'info.json',
};

export interface LacVocabFile {
  oovId: number;
  chars: Record<string, number>;
}
