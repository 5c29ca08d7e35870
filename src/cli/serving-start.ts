import { DeviceError, describeDevice, probeDevices, selectDevices, type Device } from '../backends/device.js';
import { loadServingConfig, type StartFlags } from '../config/load.js';
import { isOnnxFile, type ServingConfig } from '../config/schema.js';
import { UsageError } from '../errors/catalogue.js';
import { resolveModules } from '../modules/resolve.js';
import { runPrimary } from '../process/cluster.js';
import { describeQuota, processCores } from '../process/cpu-quota.js';
import { createLogger } from '../process/log.js';
import { newIdentityToken } from '../process/identity.js';
import { processStartTime, servingProcessProven, readPidFile, removePidFile, writePidFile } from '../process/pidfile.js';
import { portInUse } from '../process/port.js';
import { onShutdownSignal } from '../process/signals.js';
import { startService, type ServiceModule } from '../server/service.js';
import type { V2Model } from '../server/v2/routes.js';
import { ensureInstalled } from './install-modules.js';
import { say, warn } from './output.js';

export function devicesFor(config: ServingConfig): Device[] {
  try {
    return selectDevices(config.useGpu, config.gpus, config.threads, probeDevices());
  } catch (error) {
    if (error instanceof DeviceError) throw new UsageError(error.message);
    throw error;
  }
}

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
function describeModel(model: V2Model, path: string): string {
  const tensors = (list: V2Model['inputs']) => list.map((t) => `${t.name} ${t.datatype} [${t.shape.join(', ')}]`).join(', ');
  const batched = [...model.inputs, ...model.outputs].every((t) => t.shape[0] === -1) ? 'batched along dimension 0' : 'one request per call (no batch dimension)';
  return `loaded model ${model.name} from ${path}: inputs ${tensors(model.inputs)}; outputs ${tensors(model.outputs)}; ${batched} (POST /v2/models/${model.name}/infer)`;
}

export async function servingStart(flags: StartFlags): Promise<void> {
  const { config, notices } = loadServingConfig(flags);
  notices.forEach((n) => say(`note: ${n}`));
  // ONNX files (-m ./model.onnx, or a `path` in the file) are models for /v2, not modules to resolve.
  const resolved = await resolveModules(config.modules);
  const files = config.modules.filter(isOnnxFile).map((m) => m.name);
  resolved.forEach((m) => m.warnings.forEach(warn));
  const names = new Set<string>();
  for (const name of [...resolved.map((m) => m.definition.manifest.name), ...files]) {
    if (names.has(name)) throw new UsageError(`--modules: ${name} is named twice`);
    names.add(name);
  }
  const devices = devicesFor(config);

  const existing = await readPidFile(config.port);
  if (existing && (await servingProcessProven(existing))) {
    throw new UsageError(`Hub Serving already runs on port ${config.port} (pid ${existing.pid}); stop it with \`hub serving stop -p ${config.port}\` or choose another port`);
  }
  if (await portInUse(config.port, config.host)) {
    throw new UsageError(`Port ${config.port} is occupied, please change it (-p <port>)`);
  }

  const installAll = async (): Promise<ServiceModule[]> => {
    const modules: ServiceModule[] = [];
    for (const module of resolved) {
      const installed = await ensureInstalled(module);
      const { manifest } = module.definition;
      say(`loaded ${manifest.name} ${manifest.version}: weights from ${installed.source} (prepared in ${installed.directory})`);
      modules.push({ resolved: module, installed });
    }
    return modules;
  };

  const cores = processCores();
  const layout = `${config.processes} process${config.processes > 1 ? 'es' : ''} x ${config.threads} inference thread${config.threads > 1 ? 's' : ''} ` +
    `(${devices.map(describeDevice).join(', ')}) on ${cores.cores} core${cores.cores > 1 ? 's' : ''}${describeQuota(cores)}, ` +
    `timeout ${config.timeoutSeconds} s, body limit ${config.bodyLimit} bytes`;

  const record = {
    pid: process.pid,
    port: config.port,
    host: config.host,
    module: [...resolved.map((m) => m.definition.manifest.name), ...files],
    start_time: new Date().toISOString(),
    processes: config.processes,
    proc_start: processStartTime(process.pid),
    token: newIdentityToken(),
  };

  if (config.processes > 1) {
    const modules = await installAll();
    await runPrimary(config, modules.map((m) => m.installed), record.token, async () => {
      await writePidFile(record);
      say(layout);
      const open = openServiceWarning(config);
      if (open) warn(open);
      say(`Hub Serving is ready: ${displayUrl(config)} (POST /predict/<module>; listening on ${config.host}:${config.port})`);
    }, () => removePidFile(config.port, process.pid));
    return;
  }

  // Listening first: /healthz answers and /readyz says "loading" while weights are installed and loaded.
  const service = await startService(config, async () => {
    say(`listening on ${config.host}:${config.port}; loading ${record.module.join(', ')} (/readyz answers 503 until loaded)`);
    return installAll();
  }, devices, createLogger(), record.token);
  await writePidFile(record);
  let stopping = false;
  onShutdownSignal(async (signal) => {
    stopping = true;
    say(`${signal}: stopping: finishing requests in flight`);
    await service.close();
    await removePidFile(config.port, process.pid);
    say('Hub Serving stopped');
  });
  try {
    await service.loaded;
  } catch (error) {
    await removePidFile(config.port, process.pid);
    throw error;
  }
  if (stopping) return;
  for (const name of files) {
    const model = service.v2Models.get(name);
    if (model) say(describeModel(model, config.modules.find((m) => m.name === name)!.path!));
  }
  say(layout);
  const open = openServiceWarning(config);
  if (open) warn(open);
  say(`Hub Serving is ready: ${displayUrl(config)} (POST /predict/<module>; listening on ${config.host}:${config.port})`);
}
