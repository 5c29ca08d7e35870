import { stat } from 'node:fs/promises';
import { UsageError } from '../errors/catalogue.js';
import type { ModuleContext } from '../modules/types.js';
import type { InferencePool } from '../scheduler/pool.js';
import { OnnxFileModel } from './onnx-file.js';

/** An ONNX file named at start: a missing or broken file is one clear line, not a stack from the threads. */
export async function loadOnnxFile(name: string, path: string, pool: InferencePool, context: Pick<ModuleContext, 'schedule' | 'observe'>): Promise<OnnxFileModel> {
  try {
    if (!(await stat(path)).isFile()) throw new UsageError(`model ${name}: ${path} is not a file`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`model ${name}: ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message}`);
  }
  try {
    return await OnnxFileModel.load(name, path, pool, context);
  } catch (error) {
    throw new UsageError(`model ${name}: ${path} cannot be loaded by onnxruntime: ${(error as Error).message.split('\n')[0]}`);
  }
}
