import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from '../errors/catalogue.js';
import { installModules, listModules, showModule } from './module-info.js';
import { fail } from './output.js';
import { servingStart } from './serving-start.js';
import { servingStatus, servingStop } from './serving-stop.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

function program(): Command {
  const hub = new Command('hub')
    .description('Hub Serving: PaddleHub-compatible model serving on Node.js')
    .version(pkg.version)
    .showHelpAfterError('(add --help for the usage)');

  const serving = hub.command('serving').description('start, stop and list prediction services');
  serving.command('start')
    .description('serve modules over HTTP: POST /predict/<module>')
    .option('-m, --modules <modules...>', 'modules to serve: name or name==version, space- or comma-separated (or a task: lexical_analysis)')
    .option('-p, --port <port>', 'port to listen on (default 8866)')
    .option('--host <host>', 'address to listen on (default 0.0.0.0: every interface; 127.0.0.1 for this machine only)')
    .option('--use_multiprocess', 'run several serving processes on the one port')
    .option('-w, --workers <n>', 'processes with --use_multiprocess (default: one per core)')
    .option('--threads <n>', 'inference threads per process (default: cores / processes)')
    .option('--use_gpu', "run inference on GPUs with onnxruntime's CUDA provider")
    .option('-i, --gpu <ids>', 'GPU ids for --use_gpu, e.g. 0,1 (default 0)')
    .option('-c, --config <file>', 'config file (PaddleHub\'s JSON: modules_info, port, use_gpu, ...); flags given too override it')
    .option('--timeout <seconds>', 'longest a request may take before it is answered 504 (default 60)')
    .option('--body_limit <bytes>', 'largest request body accepted (default 8388608); larger gets 413')
    .action((options: Record<string, unknown>) => servingStart({
      modules: options.modules as string[] | undefined,
      port: options.port as string | undefined,
      host: options.host as string | undefined,
      useMultiprocess: options.use_multiprocess as boolean | undefined,
      workers: options.workers as string | undefined,
      threads: options.threads as string | undefined,
      useGpu: options.use_gpu as boolean | undefined,
      gpu: options.gpu as string | undefined,
      config: options.config as string | undefined,
      timeout: options.timeout as string | undefined,
      bodyLimit: options.body_limit as string | undefined,
    }));
  serving.command('stop')
    .description('stop the service on a port gracefully and wait until the port is free')
    .option('-p, --port <port>', 'port of the service (default 8866)')
    .action((options: { port?: string }) => servingStop(options));
  serving.command('status')
    .description('list running services')
    .action(() => servingStatus());

  hub.command('list').description('modules available, their task and whether their weights are installed').action(() => listModules());
  hub.command('show').argument('<module>').description('a module\'s arguments, formats and weight source').action((name: string) => showModule(name));
  hub.command('install').argument('<modules...>').option('--force', 'convert again even if cached')
    .description('fetch and prepare weights (also done on first start)')
    .action((names: string[], options: { force?: boolean }) => installModules(names, options));
  return hub;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      fail(error.message);
    } else {
      fail((error as Error)?.message ?? String(error));
      if (process.env.HUB_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
    }
    process.exit(1);
  }
}
