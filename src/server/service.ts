import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Device } from '../backends/device.js';
import type { ServingConfig } from '../config/schema.js';
import { UsageError } from '../errors/catalogue.js';
import type { ResolvedModule } from '../modules/resolve.js';
import type { InstallResult } from '../modules/types.js';
import { InferencePool } from '../scheduler/pool.js';
import { buildApp, type AppState, type ServedModule } from './app.js';
import { Metrics } from './metrics.js';

// One process's server: its inference threads, its loaded modules and its HTTP listener.

export interface ServiceModule {
  resolved: ResolvedModule;
  installed: InstallResult;
}

export interface Service {
  app: FastifyInstance;
  pool: InferencePool;
  modules: Map<string, ServedModule>;
  /** Stops accepting, finishes requests in flight, then frees the threads. */
  close(): Promise<void>;
}

const RELEASE_SESSIONS = new URL('../backends/release-sessions.worker.js', import.meta.url).href;

/** Inference tasks allowed to wait per thread before requests get 503. */
const QUEUE_PER_THREAD = 256;

export async function startService(config: ServingConfig, modules: ServiceModule[], devices: Device[], logger: Logger): Promise<Service> {
  const pool = new InferencePool({ devices, maxQueue: QUEUE_PER_THREAD * devices.length, intraOpThreads: 1 });
  const served = new Map<string, ServedModule>();
  const aliases = new Map<string, string>();
  const state: AppState = { ready: false, draining: false };
  try {
    for (const { resolved, installed } of modules) {
      const loaded = await resolved.definition.load({ initArgs: resolved.initArgs, pool, log: logger.child({ module: resolved.definition.manifest.name }) }, installed);
      const name = resolved.definition.manifest.name;
      served.set(name, { definition: resolved.definition, loaded, predictArgs: resolved.predictArgs });
      if (resolved.requestedAs !== name) aliases.set(resolved.requestedAs, name);
    }
  } catch (error) {
    await pool.close();
    throw error;
  }
  const metrics = new Metrics(() => pool.queueSize);
  const app = await buildApp({ modules: served, aliases, bodyLimit: config.bodyLimit, timeoutSeconds: config.timeoutSeconds, logger, metrics, state });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await pool.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`Port ${config.port} is occupied, please change it (-p <port>), or stop what runs there (hub serving stop -p ${config.port})`);
    if (code === 'EACCES') throw new UsageError(`--port: ${config.port} needs privileges this user lacks; use a port above 1023`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`--host: ${config.host} is not an address of this machine`);
    throw error;
  }
  state.ready = true;
  let closing: Promise<void> | undefined;
  return {
    app,
    pool,
    modules: served,
    close() {
      closing ??= (async () => {
        state.draining = true;
        await app.close();
        for (const module of served.values()) await module.loaded.close?.();
        // Threads are ended only once idle and without sessions: one terminated inside onnxruntime aborts the process.
        await pool.drain();
        await pool.broadcast(RELEASE_SESSIONS, {});
        await pool.close();
      })();
      return closing;
    },
  };
}
