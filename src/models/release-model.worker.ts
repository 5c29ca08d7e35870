import { releaseSession } from '../backends/onnx-session.js';

// Runs once in every inference thread when a model is unloaded: frees that thread's session of the file.
export default async function releaseModel(task: { model: string }): Promise<void> {
  await releaseSession(task.model);
}
