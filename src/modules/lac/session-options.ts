import type { InferenceSession } from 'onnxruntime-node';

// LAC's inputs vary from a few characters to long batches. With ONNX Runtime's CPU arena a peak stays
// reserved for the life of the session; without it, memory goes back after the call.
export const LAC_SESSION_OPTIONS: InferenceSession.SessionOptions = { enableCpuMemArena: true };
