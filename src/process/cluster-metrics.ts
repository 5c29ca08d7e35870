import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, Counter, Registry, type Registry as RegistryType } from 'prom-client';

// With --use_multiprocess a scrape of /metrics lands in one process; that process asks the primary, which
// gathers every process's registry (prom-client's AggregatorRegistry: counters and histograms summed) and adds
// its own counts, so one scrape answers for the whole service.

const REQUEST = 'hub:metrics-request';
const REPLY = 'hub:metrics-reply';
const ASK_TIMEOUT_MS = 5000;

interface MetricsMessage {
  type: typeof REQUEST | typeof REPLY;
  id: number;
  text?: string;
  error?: string;
}

/** In a serving process: offers its registry to the primary's aggregation. */
export function shareRegistry(registry: RegistryType): void {
  if (!cluster.isWorker) return;
  new AggregatorRegistry(); // installs prom-client's answer to the primary's requests
  AggregatorRegistry.setRegistries([registry]);
}

let next = 0;

/** In a serving process: the whole service's metrics, from the primary; undefined outside a cluster. */
export function serviceMetrics(): Promise<string> | undefined {
  if (!cluster.isWorker || !process.send) return undefined;
  const id = next++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('the primary did not answer')), ASK_TIMEOUT_MS);
    const onMessage = (message: MetricsMessage) => {
      if (message?.type !== REPLY || message.id !== id) return;
      finish(message.error ? new Error(message.error) : undefined, message.text);
    };
    function finish(error?: Error, text?: string) {
      clearTimeout(timer);
      process.off('message', onMessage);
      if (error) reject(error);
      else resolve(text ?? '');
    }
    process.on('message', onMessage);
    process.send!({ type: REQUEST, id } satisfies MetricsMessage);
  });
}

/** In the primary: answers the processes' requests; its own counter of restarts joins the aggregate. */
export class PrimaryMetrics {
  private readonly aggregator = new AggregatorRegistry();
  private readonly own = new Registry();
  readonly restarts = new Counter({
    name: 'hub_process_restarts_total',
    help: 'Serving processes started again after one exited unexpectedly (--use_multiprocess)',
    registers: [this.own],
  });

  /** Call for every message a serving process sends. */
  handle(worker: Worker, message: unknown): void {
    const m = message as MetricsMessage;
    if (m?.type !== REQUEST) return;
    this.aggregator.clusterMetrics().then(
      async (text) => worker.send({ type: REPLY, id: m.id, text: `${text}\n${await this.own.metrics()}` } satisfies MetricsMessage),
      (error: Error) => worker.send({ type: REPLY, id: m.id, error: error.message } satisfies MetricsMessage),
    );
  }
}
