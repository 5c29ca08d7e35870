/** The files of a converted TF.js model in its cache folder (kept apart so inference threads import only this). */
export const tfjsModelFiles = { onnx: 'model.onnx' };
