import { describeDevice, type Device } from '../backends/device.js';
import type { EffectiveSchedule } from '../config/schedule.js';
import type { ServingConfig } from '../config/schema.js';
import type { V2Model } from '../server/v2/routes.js';
import { describeQuota, processCores } from './cpu-quota.js';

// What a start tells a person on stdout, worded once for a single process and for a cluster's primary.

/** Where start-up lines go: the command's stdout and stderr, or nowhere (a cluster's serving process). */
export interface Reporter {
  say(line: string): void;
  warn(line: string): void;
}

export const quiet: Reporter = { say: () => {}, warn: () => {} };

export function displayUrl(config: ServingConfig): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** Every interface and no key: anyone who reaches the port may use it. Said once the service is ready. */
export function openServiceWarning(config: ServingConfig): string | undefined {
  if ((config.host !== '0.0.0.0' && config.host !== '::') || config.apiKeys.length > 0) return undefined;
  return `serving every interface (${config.host}) without an API key: anyone who can reach port ${config.port} can use it; give --api_key (HUB_API_KEY) or --host 127.0.0.1`;
}

/** "loaded model clf from /m/clf.onnx: inputs x FP32 [-1, 3]; outputs y FP32 [-1, 2]; batched along dimension 0" */
export function describeModel(model: V2Model, path: string): string {
  const tensors = (list: V2Model['inputs']) => list.map((t) => `${t.name} ${t.datatype} [${t.shape.join(', ')}]`).join(', ');
  const batched = [...model.inputs, ...model.outputs].every((t) => t.shape[0] === -1) ? 'batched along dimension 0' : 'one request per call (no batch dimension)';
  return `loaded model ${model.name} from ${path}: inputs ${tensors(model.inputs)}; outputs ${tensors(model.outputs)}; ${batched} (POST /v2/models/${model.name}/infer)`;
}

/**
 * What each model's calls are formed with, once its module's, the server's and its own values are settled, in
 * the config file's keys and units, by the names the metrics label them with: "schedules (max_batch_size/max_elements/
 * max_queue_delay/max_queue_size): lac 32/65536/2000/5000, chinese_ocr_db_crnn_mobile/cls 24/any/0/20000".
 */
export function scheduleLine(schedules: ReadonlyMap<string, EffectiveSchedule>): string {
  const values = ({ maxBatchSize, maxElements, maxQueueDelayMs, maxQueueSize }: EffectiveSchedule) =>
    [maxBatchSize, Number.isFinite(maxElements) ? maxElements : 'any', Math.round(maxQueueDelayMs * 1000), maxQueueSize].join('/');
  const models = [...schedules].map(([model, schedule]) => `${model} ${values(schedule)}`);
  return `schedules (max_batch_size/max_elements/max_queue_delay/max_queue_size): ${models.join(', ')}`;
}

/** "1 process x 2 inference threads (cpu, cpu) x 1 intra-op thread on 2 cores, timeout 60 s, body limit 8388608 bytes" */
export function layoutLine(config: ServingConfig, devices: Device[]): string {
  const cores = processCores();
  const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n > 1 ? many : word}`;
  return `${plural(config.processes, 'process', 'processes')} x ${plural(config.threads, 'inference thread')} ` +
    `(${devices.map(describeDevice).join(', ')}) x ${plural(config.intraOpThreads, 'intra-op thread')} on ${plural(cores.cores, 'core')}${describeQuota(cores)}, ` +
    `timeout ${config.timeoutSeconds} s, body limit ${config.bodyLimit} bytes`;
}

/** The closing lines of a start: the layout, a warning when the service is open to all, and the ready line. */
export function announceReady(config: ServingConfig, devices: Device[], report: Reporter): void {
  report.say(layoutLine(config, devices));
  const open = openServiceWarning(config);
  if (open) report.warn(open);
  report.say(`Hub Serving is ready: ${displayUrl(config)} (POST /predict/<module>; listening on ${config.host}:${config.port})`);
}
