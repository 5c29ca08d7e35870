import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { serviceMetrics, shareRegistry } from '../process/cluster-metrics.js';
import type { ErrorName, HubError } from '../errors/catalogue.js';
import type { BatchStats } from '../scheduler/batcher.js';

// Prometheus metrics of one process: requests by module and envelope status, latency, the inference queue,
// and per model its scheduler: queued items, rows per call, time waiting for a call, refusals.

/**
 * Refusals of the HTTP layer, before any model work, each a reason of hub_refusals_total (the scheduler counts
 * its own 429s and 413s as queue_full). Lower-cased, the error's name is the reason.
 */
const HTTP_REFUSALS = new Set<ErrorName>([
  'UNAUTHORIZED', 'HOST_NOT_ALLOWED', 'ORIGIN_NOT_ALLOWED', 'BODY_TOO_LARGE', 'TOO_MANY_PARTS', 'NESTED_TOO_DEEP',
  'REQUEST_TIMEOUT', 'HEADERS_TOO_LARGE', 'BAD_HTTP', 'URL_TOO_LONG', 'BAD_URL', 'MODELS_LOADING', 'SHUTTING_DOWN',
]);

/** What a model's scheduler shows of its load. */
export interface ModelLoad {
  readonly queueLength: number;
  readonly running: number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'hub_requests_total',
    help: 'Prediction requests by module and envelope status',
    labelNames: ['module', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'hub_request_duration_seconds',
    help: 'Time from request to reply for predictions, by module',
    labelNames: ['module'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'hub_batch_size',
    help: 'Items (texts, crops) per model call, by model',
    labelNames: ['model'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [this.registry],
  });
  readonly queueWait = new Histogram({
    name: 'hub_queue_wait_seconds',
    help: "Time a request's first item waited for a model call, by model",
    labelNames: ['model'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly refusals = new Counter({
    name: 'hub_refusals_total',
    help: 'Requests refused before any work, by model (empty: refused before a model was known) and reason',
    labelNames: ['model', 'reason'] as const,
    registers: [this.registry],
  });
  readonly expired = new Counter({
    name: 'hub_expired_items_total',
    help: "Items dropped unrun because their request's deadline passed while they waited, by model",
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly modelQueues = new Map<string, ModelLoad>();

  /** Counts a request the HTTP layer refused (`model`: the served module or model it was for, else ''). */
  refusedRequest(error: HubError, model = ''): void {
    if (HTTP_REFUSALS.has(error.errorName)) this.refusals.inc({ model, reason: error.label });
  }

  /** Hooks a model's scheduler to the metrics: its queue and calls in flight are read at each scrape. */
  observeModel(model: string, load: ModelLoad): BatchStats {
    this.modelQueues.set(model, load);
    return {
      onBatch: (rows) => this.batchSize.observe({ model }, rows),
      onQueueWait: (seconds) => this.queueWait.observe({ model }, seconds),
      onRefused: (reason) => this.refusals.inc({ model, reason: reason === 'deadline' ? 'would_miss_deadline' : 'queue_full' }),
      onExpired: (items) => this.expired.inc({ model }, items),
    };
  }

  readonly inFlight = new Gauge({
    name: 'hub_requests_in_flight',
    help: 'Predictions received and not yet answered',
    registers: [this.registry],
  });

  /** The text of a scrape: the whole service's where several processes serve, else this process's. */
  async text(): Promise<string> {
    const service = serviceMetrics();
    if (service) {
      try {
        return await service;
      } catch {
        // The primary is gone or slow: this process's own figures are better than none.
      }
    }
    return this.registry.metrics();
  }

  constructor(queueSize: () => number) {
    shareRegistry(this.registry);
    const modelQueues = this.modelQueues;
    new Gauge({
      name: 'hub_model_queue_items',
      help: 'Items waiting for a model call, by model',
      labelNames: ['model'] as const,
      registers: [this.registry],
      collect() {
        for (const [model, load] of modelQueues) this.set({ model }, load.queueLength);
      },
    });
    new Gauge({
      name: 'hub_model_calls_in_flight',
      help: 'Model calls handed to the inference threads and not yet answered, by model',
      labelNames: ['model'] as const,
      registers: [this.registry],
      collect() {
        for (const [model, load] of modelQueues) this.set({ model }, load.running);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
    new Gauge({
      name: 'hub_inference_queue_length',
      help: 'Inference tasks waiting for a thread',
      registers: [this.registry],
      collect() {
        this.set(queueSize());
      },
    });
  }
}
