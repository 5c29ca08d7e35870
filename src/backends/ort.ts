import * as ort from 'onnxruntime-node';

// ONNX Runtime as every file that opens a session takes it. Its warnings go to stderr raw and coloured, outside
// the server's log (on a machine without CA certificates, one at every start about telemetry uploads); its
// errors still print, and ours say what failed. Set per thread, before the thread's first session.
ort.env.logLevel = 'error';

export { ort };
