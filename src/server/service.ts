import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Device } from '../backends/device.js';
import { isOnnxFile, type ServingConfig } from '../config/schema.js';
import { UsageError } from '../errors/catalogue.js';
import type { ResolvedModule } from '../modules/resolve.js';
import type { InstallResult } from '../modules/types.js';
import { InferencePool } from '../scheduler/pool.js';
import { buildApp, type ServedModule } from './app.js';
import { loadOnnxFile } from '../models/load-onnx-file.js';
import { ModelRepository } from '../models/repository.js';
import { moduleAsV2 } from './v2/module-model.js';
import type { V2Model } from './v2/routes.js';
import { Metrics, type ModelLoad } from './metrics.js';
import { HealthBoard } from './health/board.js';
import { openHealthPort, type HealthPort } from './health/listener.js';
import { setImageLimits } from '../media/image-limits.js';

// One process's server: its HTTP listener, its inference threads and its loaded modules. It listens before the
// modules are loaded, so that orchestrators see the process alive (/healthz 200) and not yet ready (/readyz 503
// "loading") while weights are prepared and sessions created, and a port already taken fails the start at once.

export interface ServiceModule {
  resolved: ResolvedModule;
  installed: InstallResult;
}

export interface Service {
  app: FastifyInstance;
  pool: InferencePool;
  /** Filled as modules load; the routes read it at request time. */
  modules: Map<string, ServedModule>;
  v2Models: Map<string, V2Model>;
  /** ONNX files loaded at start and, with --enable_model_control, at runtime. */
  repository: ModelRepository;
  /** Resolves once every module is loaded and /readyz answers 200; rejects, with everything closed, if one fails. */
  loaded: Promise<void>;
  /** Stops accepting, finishes requests in flight, then frees the threads (after a load in progress ends). */
  close(): Promise<void>;
}

const RELEASE_SESSIONS = new URL('../backends/release-sessions.worker.js', import.meta.url).href;

export interface StartServiceOptions {
  /**
   * Load the modules before listening: for a process that replaces one of a cluster, which would otherwise be
   * dealt its share of connections while it could only refuse them.
   */
  listenOnceLoaded?: boolean;
  /** For tests: how long the main event loop may stay silent before the health port says "stalled". */
  stallAfterMs?: number;
}

/**
 * Listens, then loads the modules (`modules` may be a function that installs them first); the other way round
 * with `listenOnceLoaded`. Resolves once listening; `loaded` says when the service is ready.
 */
export async function startService(
  config: ServingConfig,
  modules: ServiceModule[] | (() => Promise<ServiceModule[]>),
  devices: Device[],
  logger: Logger,
  /** The PID file's token, proven to `hub serving stop` and `status` over loopback (process/identity.ts). */
  identity?: string,
  options: StartServiceOptions = {},
): Promise<Service> {
  const pool = new InferencePool({ devices, maxQueue: config.queuePerThread * devices.length, intraOpThreads: config.intraOpThreads });
  setImageLimits(config.imageLimits);
  const served = new Map<string, ServedModule>();
  /** What /v2 serves: modules with a tensor interface, and ONNX files. */
  const v2 = new Map<string, V2Model>();
  const metrics = new Metrics(() => pool.queueSize);
  const modelContext = { schedule: config.schedule, observe: (model: string, load: ModelLoad) => metrics.observeModel(model, load) };
  const repository = new ModelRepository(config.modelControl.folders, v2, pool, modelContext);
  const aliases = new Map<string, string>();
  // The flags live in shared memory, so the health port's thread reads them however busy this thread is.
  const state = new HealthBoard();
  let healthPort: HealthPort | undefined;
  const loadModules = async () => {
    for (const { resolved, installed } of typeof modules === 'function' ? await modules() : modules) {
      const loadedModule = await resolved.definition.load({ initArgs: resolved.initArgs, pool, log: logger.child({ module: resolved.definition.manifest.name }), schedule: config.schedule, observe: (model, load) => metrics.observeModel(model, load) }, installed);
      const name = resolved.definition.manifest.name;
      served.set(name, { definition: resolved.definition, loaded: loadedModule, predictArgs: resolved.predictArgs });
      if (resolved.requestedAs !== name) aliases.set(resolved.requestedAs, name);
      healthPort?.setModules([...served.keys()]);
      if (resolved.definition.tensors) v2.set(name, moduleAsV2({ ...resolved.definition, tensors: resolved.definition.tensors }, loadedModule, resolved.predictArgs));
      else if (loadedModule.v2) v2.set(name, loadedModule.v2);
    }
    for (const request of config.modules.filter(isOnnxFile)) {
      repository.adopt(await loadOnnxFile(request.name, request.path!, pool, modelContext));
    }
  };
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({
      modules: served, aliases, bodyLimit: config.bodyLimit, timeoutSeconds: config.timeoutSeconds, logger, metrics, state,
      host: config.host, accessLog: config.accessLog, apiKeys: config.apiKeys, allowedHosts: config.allowedHosts, corsOrigins: config.corsOrigins,
      v2Models: v2, repository: config.modelControl.enabled ? repository : undefined, identity,
    });
    if (options.listenOnceLoaded) await loadModules();
    await listenQuietly(app, config);
    if (config.healthPort) {
      healthPort = await openHealthPort(state, { port: config.healthPort, host: config.host, servingPort: config.port, identity, log: logger, stallAfterMs: options.stallAfterMs });
      healthPort.setModules([...served.keys()]);
    }
  } catch (error) {
    await app?.close();
    for (const module of served.values()) await module.loaded.close?.();
    await pool.close();
    throw listenError(error, config);
  }
  const listening = app;

  const loaded = (async () => {
    try {
      if (!options.listenOnceLoaded) await loadModules();
    } catch (error) {
      state.draining = true;
      await listening.close();
      for (const module of served.values()) await module.loaded.close?.();
      await pool.close();
      await healthPort?.close();
      throw error;
    }
    state.ready = true;
  })();
  // Callers await `loaded`; this keeps a failure from also being reported as unhandled before they do.
  loaded.catch(() => {});

  let closing: Promise<void> | undefined;
  return {
    app: listening,
    pool,
    modules: served,
    v2Models: v2,
    repository,
    loaded,
    close() {
      closing ??= (async () => {
        state.draining = true;
        // A session half-created when its thread is ended aborts the process: let a load in progress finish.
        if (!(await loaded.then(() => true, () => false))) return;
        await listening.close();
        for (const module of served.values()) await module.loaded.close?.();
        // Threads are ended only once idle and without sessions: one terminated inside onnxruntime aborts the process.
        await pool.drain();
        await pool.broadcast(RELEASE_SESSIONS, {});
        await pool.close();
        await healthPort?.close();
      })();
      return closing;
    },
  };
}

/**
 * fastify logs "Server listening at ..." at info level, one line per address. The CLI says where it listens
 * on stdout; on stderr those lines would precede the one-line error of a module that then fails to install.
 */
async function listenQuietly(app: FastifyInstance, config: ServingConfig): Promise<void> {
  const level = app.log.level;
  if (level === 'info') app.log.level = 'warn';
  try {
    await app.listen({ port: config.port, host: config.host });
  } finally {
    app.log.level = level;
  }
}

/** A failure to listen in words a user can act on (a UsageError), or the error itself when it is another. */
export function listenError(error: unknown, config: ServingConfig): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new UsageError(`Port ${config.port} is occupied, please change it (-p <port>), or stop what runs there (hub serving stop -p ${config.port})`);
  if (code === 'EACCES') return new UsageError(`--port: ${config.port} needs privileges this user lacks; use a port above 1023`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new UsageError(`--host: ${config.host} is not an address of this machine`);
  return error;
}
