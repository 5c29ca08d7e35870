import type { StartMessage, WorkerMessage } from './cluster.js';
import { startServing } from './start.js';
import { quiet } from './start-lines.js';

// One serving process under the cluster primary: it asks for its start, then starts as a single process does
// (start.ts), quietly, for the primary speaks for the cluster.

const send = (message: WorkerMessage) => process.send?.(message);

function fail(error: unknown): void {
  send({ type: 'hub:failed', message: (error as Error)?.message ?? String(error) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
}

process.on('message', (message: StartMessage) => {
  if (message?.type !== 'hub:start') return;
  const { config, identity } = message.start;
  startServing(config, { report: quiet, identity, clusterWorker: true, replacement: message.replacement }).then((service) => {
    if (service) send({ type: 'hub:ready' });
  }, fail);
});
send({ type: 'hub:waiting' });
