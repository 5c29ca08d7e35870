import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { UsageError } from '../errors/catalogue.js';
import { installModules, listModules, showModule } from './module-info.js';
import { fail } from './output.js';
import { bench } from './bench/command.js';
import { servingStart } from './serving-start.js';
import { SERVING_OPTIONS, camelOf, commanderFlags, envOf, type OptionSpec } from '../config/options.js';
import type { StartFlags } from '../config/load.js';
import { servingStatus, servingStop } from './serving-stop.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

function program(): Command {
  const hub = new Command('hub')
    .description('Hub Serving: PaddleHub-compatible model serving on Node.js')
    .version(pkg.version)
    .showHelpAfterError('(add --help for the usage)');

  const serving = hub.command('serving').description('start, stop and list prediction services');
  const start = serving.command('start')
    .description('serve modules over HTTP: POST /predict/<module>')
    .option('-m, --modules <modules...>', 'modules to serve: name or name==version, space- or comma-separated (or a task: lexical_analysis)')
    .option('-c, --config <file>', 'config file (PaddleHub\'s JSON: modules_info, port, use_gpu, ...); flags given too override it');
  for (const option of SERVING_OPTIONS as readonly OptionSpec[]) {
    start.option(commanderFlags(option), `${option.help} (default ${option.shown}; env ${envOf(option)})`);
  }
  start.action((options: Record<string, string | boolean | string[] | undefined>) => {
    const flags: StartFlags = { modules: options.modules as string[] | undefined, config: options.config as string | undefined };
    for (const option of SERVING_OPTIONS) flags[camelOf(option)] = options[option.key];
    return servingStart(flags);
  });
  serving.command('stop')
    .description('stop the service on a port gracefully and wait until the port is free')
    .option('-p, --port <port>', 'port of the service (default 8866)')
    .action((options: { port?: string }) => servingStop(options));
  serving.command('status')
    .description('list running services')
    .action(() => servingStatus());

  hub.command('bench')
    .description('load a module over HTTP and print req/s, latency percentiles, answers by status and the batch sizes reached')
    .requiredOption('-m, --module <module>', 'the module to load (its example request is the body unless --body is given)')
    .option('-c, --connections <n>', 'concurrent keep-alive connections (default 16)')
    .option('-d, --duration <seconds>', 'how long to load (default 10)')
    .option('--url <url>', 'a running server, e.g. http://127.0.0.1:8866 (default: start one on loopback for the run)')
    .option('--body <json>', 'the request body (default: the module\'s example)')
    .action((options: { module?: string; connections?: string; duration?: string; url?: string; body?: string }) => bench(options));
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
