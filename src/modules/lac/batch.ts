import { scheduleWith, type Batcher } from '../../scheduler/batcher.js';
import { modelBatcher } from '../../scheduler/model-batcher.js';
import type { InferencePool } from '../../scheduler/pool.js';
import type { CallContext, ModuleContext } from '../types.js';
import type { LacTask } from './infer.worker.js';
import { LAC_DEFAULT_LIMITS, packBatch, type RunLacPieces } from './pipeline.js';

// LAC's pieces to model calls in the inference threads, through a batcher: pieces of concurrent requests
// share calls within the element budget, and each request gets its own tag ids back.

export const LAC_TASK_FILE = new URL('./infer.worker.js', import.meta.url).href;

export interface LacSchedule {
  maxBatchSize: number;
  maxElements: number;
  maxQueueDelayMs: number;
  maxQueueSize: number;
}

/** Short sentences batch 64 to a call; the element budget cuts long ones down; 20,000 pieces hold any one request. */
export const LAC_DEFAULT_SCHEDULE: LacSchedule = {
  maxBatchSize: 64,
  maxElements: LAC_DEFAULT_LIMITS.maxElements,
  maxQueueDelayMs: 0,
  maxQueueSize: 20_000,
};

interface Piece {
  size: number;
  ids: Int32Array;
}

export class LacScheduler {
  private readonly batcher: Batcher<Piece, Int32Array>;

  constructor(pool: InferencePool, directory: string, oovId: number, name: string, context: Pick<ModuleContext, 'schedule' | 'observe'> = {}) {
    const execute = async (pieces: Piece[]) => {
      const batch = packBatch(pieces.map((p) => p.ids), oovId);
      const task: LacTask = { directory, batches: [batch] };
      const [tags] = await pool.run<Int32Array[][]>(LAC_TASK_FILE, task, { transferList: [batch.ids.buffer as ArrayBuffer, batch.lengths.buffer as ArrayBuffer] });
      return tags!;
    };
    this.batcher = modelBatcher(name, pool, context, scheduleWith(LAC_DEFAULT_SCHEDULE, context.schedule), execute);
  }

  /** The pipeline's runner for one request. */
  pieces(call: CallContext): RunLacPieces {
    return (pieces) => this.batcher.submit(pieces.map((ids) => ({ size: ids.length, ids })), call);
  }
}
