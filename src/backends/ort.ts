import * as ort from 'onnxruntime-node';

// ONNX Runtime as every file that opens a session takes it. Its warnings go to stderr raw and coloured, outside
// the server's log (on a machine without CA certificates, one at every start about telemetry uploads): they
// print only when HUB_LOG_LEVEL asks for debug or trace lines; its errors always do. Set per thread, before the
// thread's first session.
const verbose = ['debug', 'trace'].includes(process.env.HUB_LOG_LEVEL ?? '');
ort.env.logLevel = verbose ? 'warning' : 'error';

export { ort };
