import { devicesFor } from '../cli/serving-start.js';
import { resolveModules } from '../modules/resolve.js';
import { startService } from '../server/service.js';
import { PAYLOAD_ENV, type WorkerMessage, type WorkerPayload } from './cluster.js';
import { createLogger } from './log.js';
import { onShutdownSignal } from './signals.js';

// One serving process under the cluster primary: the same service as single-process mode.

const send = (message: WorkerMessage) => process.send?.(message);

async function main(): Promise<void> {
  const { config, installed, identity } = JSON.parse(process.env[PAYLOAD_ENV] ?? '{}') as WorkerPayload;
  // `installed` follows the modules to resolve; ONNX files are loaded by the service itself.
  const modules = (await resolveModules(config.modules)).map((resolved, i) => ({ resolved, installed: installed[i]! }));
  const service = await startService(config, modules, devicesFor(config), createLogger(), identity);
  onShutdownSignal(() => service.close());
  await service.loaded;
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: (error as Error)?.message ?? String(error) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
});
