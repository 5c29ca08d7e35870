import { DeviceError, probeDevices, selectDevices, type Device } from '../backends/device.js';
import type { EffectiveSchedule } from '../config/schedule.js';
import { isOnnxFile, type ServingConfig } from '../config/schema.js';
import { UsageError } from '../errors/catalogue.js';
import { resolveModules, type ResolvedModule } from '../modules/resolve.js';
import { listenError, startService, type Service, type ServiceModule } from '../server/service.js';
import { ensureInstalled } from './install-modules.js';
import { createLogger } from './log.js';
import { processStartTime, readPidFile, removePidFile, servingProcessProven, writePidFile, type PidRecord } from './pidfile.js';
import { returnMemoryWhenIdle } from './memory-return.js';
import { listenProblem } from './port.js';
import { onShutdownSignal } from './signals.js';
import { announceReady, describeModel, scheduleLine, type Reporter } from './start-lines.js';

// The one start-up path of a serving process. `hub serving start` runs it in its own process; with
// --use_multiprocess the primary plans and prepares the same way, and every serving process of the cluster
// runs startServing as a worker. Resolve the modules, check or prepare their weights, listen and load,
// then the lines for a person, the signals and, for a process of its own, the PID file.

export interface ServingPlan {
  /** The config, each module's own scheduling values under the name its models are labelled with. */
  config: ServingConfig;
  modules: ResolvedModule[];
  /** Names of the ONNX files served over /v2 (-m ./model.onnx). */
  files: string[];
  devices: Device[];
}

export function devicesFor(config: ServingConfig): Device[] {
  try {
    return selectDevices(config.useGpu, config.gpus, config.threads, probeDevices());
  } catch (error) {
    if (error instanceof DeviceError) throw new UsageError(error.message);
    throw error;
  }
}

/** The config's modules resolved (built-in or a user module's folder), each name served once, and the devices. */
export async function planServing(config: ServingConfig, report: Reporter): Promise<ServingPlan> {
  const modules = await resolveModules(config.modules);
  const files = config.modules.filter(isOnnxFile).map((m) => m.name);
  modules.forEach((m) => m.warnings.forEach((w) => report.warn(w)));
  const names = new Set<string>();
  for (const name of [...modules.map((m) => m.definition.manifest.name), ...files]) {
    if (names.has(name)) throw new UsageError(`--modules: ${name} is named twice`);
    names.add(name);
  }
  return { config: withServedNames(config, modules), modules, files, devices: devicesFor(config) };
}

/**
 * Each module's own scheduling values keyed by the name it is served under, which its models are labelled with:
 * a task's key (`ocr`) names its default module, a user module's key the name its file declares. resolveModules
 * answers the modules that are not bare ONNX files in the order of the config; those files keep their key.
 */
function withServedNames(config: ServingConfig, modules: ResolvedModule[]): ServingConfig {
  const requests = config.modules.filter((m) => !isOnnxFile(m));
  const served = Object.entries(config.schedule.modules ?? {}).map(([key, values]) => {
    const index = requests.findIndex((r) => r.name === key);
    return [index < 0 ? key : modules[index]!.definition.manifest.name, values] as const;
  });
  return { ...config, schedule: { ...config.schedule, modules: Object.fromEntries(served) } };
}

/**
 * Refuses a port where a server of ours runs (by its PID file), that something else holds, or that cannot be
 * had (a privileged port, an address not of this machine): said before any weights are prepared or loaded.
 */
export async function claimPort(config: ServingConfig): Promise<void> {
  const existing = await readPidFile(config.port);
  if (existing && (await servingProcessProven(existing))) {
    throw new UsageError(`Hub Serving already runs on port ${config.port} (pid ${existing.pid}); stop it with \`hub serving stop -p ${config.port}\` or choose another port`);
  }
  const problem = await listenProblem(config.port, config.host);
  if (problem) throw listenError(problem, config);
}

/**
 * Each module's prepared weights, prepared now where the cache lacks them (progress on stdout), with a line per
 * module said to `report`.
 */
export async function prepareModules(plan: ServingPlan, report: Reporter, progress: NodeJS.WriteStream | null): Promise<ServiceModule[]> {
  const prepared: ServiceModule[] = [];
  for (const module of plan.modules) {
    const installed = await ensureInstalled(module, false, progress);
    const { manifest } = module.definition;
    report.say(`loaded ${manifest.name} ${manifest.version}: weights from ${installed.source} (prepared in ${installed.directory})`);
    prepared.push({ resolved: module, installed });
  }
  return prepared;
}

/** The PID file's record of this process serving the plan; `token` is what the server proves (identity.ts). */
export function pidRecord(plan: ServingPlan, token: string): PidRecord {
  const { config } = plan;
  return {
    pid: process.pid,
    port: config.port,
    host: config.host,
    module: [...plan.modules.map((m) => m.definition.manifest.name), ...plan.files],
    start_time: new Date().toISOString(),
    processes: config.processes,
    proc_start: processStartTime(process.pid),
    token,
  };
}

export interface StartOptions {
  report: Reporter;
  /** The PID file's token, proven to `hub serving stop` and `status` over loopback. */
  identity: string;
  /**
   * A serving process of a cluster: the primary has claimed the port, prepared the weights and keeps the PID
   * file and the lines for a person; this process only listens, loads and stops on a signal.
   */
  clusterWorker?: boolean;
  /** One started in place of a serving process that died: it listens only once loaded (startService). */
  replacement?: boolean;
}

/**
 * Starts serving `config` in this process and resolves once ready, or with undefined when a signal stopped it
 * while loading. Stops on SIGINT or SIGTERM, then exits.
 */
export async function startServing(config: ServingConfig, options: StartOptions): Promise<Service | undefined> {
  const { report, identity, clusterWorker = false, replacement = false } = options;
  const plan = await planServing(config, report);
  const record = clusterWorker ? undefined : pidRecord(plan, identity);
  if (record) await claimPort(config);
  // Each model tells the schedule it ended up with as it opens, for the start-up lines.
  const schedules = new Map<string, EffectiveSchedule>();
  const serving: ServingConfig = { ...plan.config, schedule: { ...plan.config.schedule, opened: (model, schedule) => schedules.set(model, schedule) } };

  // Listening first: /healthz answers and /readyz says "loading" while weights are prepared and loaded.
  const logger = createLogger();
  const service = await startService(serving, async () => {
    if (record) report.say(`listening on ${config.host}:${config.port}; loading ${record.module.join(', ')} (/readyz answers 503 until loaded)`);
    return prepareModules(plan, report, clusterWorker ? null : process.stdout);
  }, plan.devices, logger, identity, { listenOnceLoaded: replacement });
  if (record) await writePidFile(record);

  let stopping = false;
  const stopMemoryReturn = returnMemoryWhenIdle(undefined, (returned) => logger.info({
    models: returned.models,
    threads: returned.threads,
    rss_before_mb: Math.round(returned.rssBeforeBytes / 2 ** 20),
    rss_after_mb: Math.round(returned.rssAfterBytes / 2 ** 20),
  }, 'memory returned: sessions renewed'));
  onShutdownSignal(async (signal) => {
    stopping = true;
    stopMemoryReturn();
    report.say(`${signal}: stopping: finishing requests in flight`);
    await service.close();
    if (record) await removePidFile(config.port, process.pid);
    report.say('Hub Serving stopped');
  });
  try {
    await service.loaded;
  } catch (error) {
    if (record) await removePidFile(config.port, process.pid);
    throw error;
  }
  if (stopping) return undefined;

  for (const name of plan.files) {
    const model = service.v2Models.get(name);
    if (model) report.say(describeModel(model, config.modules.find((m) => m.name === name)!.path!));
  }
  if (record && schedules.size > 0) report.say(scheduleLine(schedules));
  if (record) announceReady(config, plan.devices, report);
  return service;
}
