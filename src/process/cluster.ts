import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { ServingConfig } from '../config/schema.js';
import type { InstallResult } from '../modules/types.js';
import { PrimaryMetrics } from './cluster-metrics.js';
import { onShutdownSignal } from './signals.js';

// --use_multiprocess: N processes share the port through node:cluster, each with its own inference threads.
// The primary only supervises: it restarts a process that dies, drains them all on SIGINT/SIGTERM, and gathers
// their metrics when one of them is scraped.

export interface WorkerPayload {
  config: ServingConfig;
  installed: InstallResult[];
  /** The PID file's token, which every serving process proves (identity.ts). */
  identity: string;
}

export type WorkerMessage = { type: 'ready' } | { type: 'failed'; message: string };

export const PAYLOAD_ENV = 'HUB_SERVING_WORKER_PAYLOAD';
const RESTART_DELAY_MS = 1000;

export function runPrimary(
  config: ServingConfig,
  installed: InstallResult[],
  identity: string,
  onReady: () => Promise<void>,
  onStopped: () => Promise<void>,
): Promise<void> {
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./cluster-worker.js', import.meta.url)) });
  const env = { [PAYLOAD_ENV]: JSON.stringify({ config, installed, identity } satisfies WorkerPayload) };
  const workers = new Set<Worker>();
  const metrics = new PrimaryMetrics();
  let stopping = false;
  let allReady = false;

  return new Promise((resolve, reject) => {
    let ready = 0;
    const fork = () => {
      const worker = cluster.fork(env);
      workers.add(worker);
      worker.on('message', (message: WorkerMessage) => {
        metrics.handle(worker, message);
        if (message.type === 'ready' && !allReady && ++ready === config.processes) {
          allReady = true;
          onReady().then(resolve, reject);
        } else if (message.type === 'failed' && !allReady) {
          stopping = true;
          for (const w of workers) w.process.kill('SIGTERM');
          reject(new Error(message.message));
        }
      });
      worker.on('exit', (code, signal) => {
        workers.delete(worker);
        if (stopping) return;
        process.stderr.write(`warning: serving process ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another\n`);
        metrics.restarts.inc();
        setTimeout(() => !stopping && fork(), RESTART_DELAY_MS).unref();
      });
    };
    for (let i = 0; i < config.processes; i++) fork();

    onShutdownSignal(async (signal) => {
      stopping = true;
      process.stdout.write(`${signal}: stopping ${workers.size} serving processes: finishing requests in flight\n`);
      await Promise.all([...workers].map((worker) => new Promise<void>((done) => {
        worker.once('exit', () => done());
        worker.process.kill('SIGTERM');
      })));
      await onStopped();
      process.stdout.write('Hub Serving stopped\n');
    });
  });
}
