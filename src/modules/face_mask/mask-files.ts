/** The files of a prepared mask module (kept apart so inference threads import only this). */
export const maskFiles = { face: 'face.onnx', classifier: 'classifier.onnx' };
