import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Prometheus metrics of one process: requests by module and envelope status, latency, inference queue.

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

  constructor(queueSize: () => number) {
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
