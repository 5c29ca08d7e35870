import { releaseSessions } from './onnx-session.js';

// Sent to every inference thread before the pool closes: a thread terminated while it still holds
// onnxruntime sessions can abort the whole process during its teardown.
export default async function releaseThreadSessions(): Promise<void> {
  await releaseSessions();
}
