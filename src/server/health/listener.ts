import cluster from 'node:cluster';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { UsageError } from '../../errors/catalogue.js';
import { provesIdentity } from '../../process/identity.js';
import type { HealthBoard } from './board.js';
import type { FromHealthThread, HealthThreadData, ToHealthThread } from './thread.js';

// --health_port: starts the thread that answers the probes (thread.ts) and the heartbeat the main event loop
// writes for it. Under --use_multiprocess every serving process tries the port: the first to bind it answers,
// the others wait and take it over when that process exits.

const THREAD = new URL('./thread.js', import.meta.url);
const HEARTBEAT_MS = 100;
export const DEFAULT_STALL_AFTER_MS = 10_000;
const STANDBY_RETRY_MS = 1000;

export interface HealthPortOptions {
  port: number;
  host: string;
  /** The serving port, which the health port may not be. */
  servingPort: number;
  identity?: string;
  stallAfterMs?: number;
  log: Logger;
}

export interface HealthPort {
  /** The modules /readyz lists, as they load. */
  setModules(names: string[]): void;
  close(): Promise<void>;
}

export async function openHealthPort(board: HealthBoard, options: HealthPortOptions): Promise<HealthPort> {
  const { port, host, identity, log } = options;
  if (port === options.servingPort) throw new UsageError(`--health_port: ${port} is the serving port (-p); give another port, or 0 for none`);
  board.beat();
  // unref'd: the beat must not keep a closed service's process alive.
  const heartbeat = setInterval(() => board.beat(), HEARTBEAT_MS).unref();
  const data: HealthThreadData = { buffer: board.buffer, port, host, identity, stallAfterMs: options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS };
  const thread = new Worker(THREAD, { workerData: data });
  thread.unref();
  const post = (message: ToHealthThread) => thread.postMessage(message);
  let closed = false;

  try {
    const first = await new Promise<FromHealthThread>((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
    });
    if (first.type === 'error') {
      if (first.code !== 'EADDRINUSE' || !cluster.isWorker || identity === undefined || !(await siblingHolds(host, port, identity))) throw healthListenError(first, port);
      post({ type: 'standby', retryMs: STANDBY_RETRY_MS });
      log.info(`health port ${port}: answered by another serving process; this one takes over if that one exits`);
    }
  } catch (error) {
    clearInterval(heartbeat);
    await thread.terminate();
    throw error;
  }

  thread.on('message', (message: FromHealthThread) => {
    if (message.type === 'listening') log.info(`health port ${port}: taken over by this serving process`);
  });
  thread.on('error', (error) => log.error({ err: error }, `health port ${port}: its thread failed`));
  thread.on('exit', (code) => {
    if (!closed) log.error(`health port ${port}: its thread exited (code ${code}); probes there go unanswered`);
  });

  return {
    setModules: (names) => post({ type: 'modules', names }),
    async close() {
      closed = true;
      clearInterval(heartbeat);
      await thread.terminate();
    },
  };
}

/**
 * Whether a process of this same server holds the port: it signs a challenge with the PID file's token. A few
 * tries, since a sibling binds the port a moment before it listens.
 */
async function siblingHolds(host: string, port: number, identity: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await provesIdentity(host, port, identity)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

function healthListenError(failure: { code?: string; message: string }, port: number): Error {
  if (failure.code === 'EADDRINUSE') return new UsageError(`Port ${port} is occupied, please change it (--health_port <port>)`);
  if (failure.code === 'EACCES') return new UsageError(`--health_port: ${port} needs privileges this user lacks; use a port above 1023`);
  return new Error(`--health_port ${port}: ${failure.message}`);
}
