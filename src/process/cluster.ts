import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { ServingConfig } from '../config/schema.js';
import { PrimaryMetrics } from './cluster-metrics.js';
import { onShutdownSignal } from './signals.js';

// --use_multiprocess: N processes share the port through node:cluster, each with its own inference threads.
// The primary only supervises: it restarts a process that dies, drains them all on SIGINT/SIGTERM, and gathers
// their metrics when one of them is scraped. Each process asks for its start once it listens for the answer
// (a message sent before that would be lost), and then starts as a single process does (start.ts).

export interface WorkerStart {
  config: ServingConfig;
  /** The PID file's token, which every serving process proves (identity.ts). */
  identity: string;
}

/** Messages from a serving process to the primary. */
export type WorkerMessage = { type: 'hub:waiting' } | { type: 'hub:ready' } | { type: 'hub:failed'; message: string };
/** The primary's answer to 'hub:waiting'. */
export interface StartMessage {
  type: 'hub:start';
  start: WorkerStart;
  /** Started in place of a process that died: it takes connections only once ready. */
  replacement: boolean;
}

const RESTART_DELAY_MS = 1000;

export function runPrimary(start: WorkerStart, onReady: () => Promise<void>, onStopped: () => Promise<void>): Promise<void> {
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./cluster-worker.js', import.meta.url)) });
  const { processes } = start.config;
  const workers = new Set<Worker>();
  const metrics = new PrimaryMetrics();
  let stopping = false;
  let allReady = false;

  return new Promise((resolve, reject) => {
    let ready = 0;
    const fork = (replacement: boolean) => {
      const worker = cluster.fork();
      workers.add(worker);
      worker.on('message', (message: WorkerMessage) => {
        metrics.handle(worker, message);
        if (message?.type === 'hub:waiting') {
          worker.send({ type: 'hub:start', start, replacement } satisfies StartMessage);
        } else if (message?.type === 'hub:ready' && !allReady && ++ready === processes) {
          allReady = true;
          onReady().then(resolve, reject);
        } else if (message?.type === 'hub:failed' && !allReady) {
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
        setTimeout(() => !stopping && fork(true), RESTART_DELAY_MS).unref();
      });
    };
    for (let i = 0; i < processes; i++) fork(false);

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
