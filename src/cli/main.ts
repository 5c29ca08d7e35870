import { Command } from 'commander';
import type { StartFlags } from '../config/load.js';
import { closest } from '../config/issues.js';
import { SERVING_OPTIONS, camelOf, commanderFlags, envOf, type OptionSpec } from '../config/options.js';
import { UsageError } from '../errors/catalogue.js';
import { PACKAGE_VERSION } from '../server/package-version.js';
import type { RunOptions } from './run.js';
import { fail, say } from './output.js';

// The `hub` command. Each command's code is imported when that command runs, so that `hub serving start`
// loads what serving needs and nothing of run, bench, selftest or the module catalogue's printing.

function program(): Command {
  const hub = new Command('hub')
    .description('Hub Serving: PaddleHub-compatible model serving on Node.js')
    .version(PACKAGE_VERSION)
    .showHelpAfterError('(add --help for the usage)');

  const serving = hub.command('serving').description('start, stop and list prediction services');
  const start = serving.command('start')
    .description('serve modules over HTTP: POST /predict/<module>')
    .option('-m, --modules <modules...>', 'modules to serve: name or name==version, space- or comma-separated (or a task: lexical_analysis)')
    .option('-c, --config <file>', 'config file (PaddleHub\'s JSON: modules_info, port, use_gpu, ...); flags given too override it');
  for (const option of SERVING_OPTIONS as readonly OptionSpec[]) {
    start.option(commanderFlags(option), `${option.help} (default ${option.shown}; env ${envOf(option)})`);
  }
  start.action(async (options: Record<string, string | boolean | string[] | undefined>) => {
    const flags: StartFlags = { modules: options.modules as string[] | undefined, config: options.config as string | undefined };
    for (const option of SERVING_OPTIONS) flags[camelOf(option)] = options[option.key];
    await (await import('./serving-start.js')).servingStart(flags);
  });
  serving.command('stop')
    .description('stop the service on a port gracefully and wait until the port is free')
    .option('-p, --port <port>', 'port of the service (default 8866)')
    .action(async (options: { port?: string }) => (await import('./serving-stop.js')).servingStop(options));
  serving.command('status')
    .description('list running services: port, pid, state, URL, modules')
    .option('--json', 'print them as JSON')
    .action(async (options: { json?: boolean }) => (await import('./serving-status.js')).servingStatus(options));
  serving.command('selftest')
    .description('send a running server on this machine bounded hostile requests (bad bodies, deep nesting, chunk floods, oversize, slow clients) and print how it answered')
    .option('-p, --port <port>', 'port of the service (default 8866)')
    .option('--host <host>', 'a loopback address (default 127.0.0.1)')
    .option('--api_key <key>', 'the key, if the server requires one')
    .action(async (options: { port?: string; host?: string; api_key?: string }) => (await import('./selftest/command.js')).selftest({ port: options.port, host: options.host, apiKey: options.api_key }));

  hub.command('bench')
    .description('load a module over HTTP and print req/s, latency percentiles, answers by status and the batch sizes reached')
    .requiredOption('-m, --module <module>', 'the module to load (its example request is the body unless --body is given)')
    .option('-c, --connections <n>', 'concurrent keep-alive connections (default 16)')
    .option('-d, --duration <seconds>', 'how long to load (default 10)')
    .option('--url <url>', 'a running server, e.g. http://127.0.0.1:8866 (default: start one on loopback for the run)')
    .option('--body <json>', 'the request body, or @file to read it from a file (default: the module\'s example)')
    .action(async (options: { module?: string; connections?: string; duration?: string; url?: string; body?: string }) => (await import('./bench/command.js')).bench(options));
  hub.command('run').argument('<module>', 'module name, name==version or task')
    .description('predict here, without a server, and print the results as PaddleHub does (the Python repr)')
    .option('--input_text <text>', 'text modules: the text to analyse')
    .option('--input_file <file>', 'text modules: a file of texts, one a line')
    .option('--input_path <image>', 'image modules: an image file (repeat for several)', (value: string, all: string[] = []) => [...all, value])
    .option('--use_gpu [bool]', 'predict on the GPU (True/False; needs onnxruntime-node\'s CUDA files)')
    .option('--gpu <id>', 'the GPU to use with --use_gpu (default 0)')
    .option('--batch_size <n>', 'texts per call, as PaddleHub takes it')
    .option('--return_tag <bool>', 'lac: also return the tags (True/False, default True)')
    .option('--user_dict <file>', 'lac: a user dictionary (word, tag and frequency per line)')
    .action(async (name: string, options: RunOptions) => (await import('./run.js')).runModule(name, options));
  hub.command('list').description('modules available, their task and whether their weights are installed').action(async () => (await import('./module-info.js')).listModules());
  hub.command('search').argument('[word]', 'part of a name, a task or a summary').description('modules whose name, task or summary contain the word')
    .action(async (word: string | undefined) => (await import('./module-info.js')).searchModules(word));
  hub.command('show').argument('<module>', 'module name, name==version or task').description('a module\'s arguments, formats and weight source').action(async (name: string) => (await import('./module-info.js')).showModule(name));
  hub.command('install').argument('<modules...>', 'module names, name==version or tasks').option('--force', 'prepare again (download, convert) even if installed')
    .description('fetch and prepare weights (also done on first start)')
    .action(async (names: string[], options: { force?: boolean }) => (await import('./module-info.js')).installModules(names, options));
  hub.command('uninstall').argument('<modules...>', 'module names, name==version or tasks')
    .description('remove the weights prepared under HUB_HOME/modules/<module>')
    .action(async (names: string[]) => (await import('./module-info.js')).uninstallModules(names));
  hub.command('new').description('make things to serve')
    .command('module').argument('<name>', 'the module\'s name and folder (lower case letters, digits and _)')
    .description('make a folder with a module that runs (module.mjs, a starter model.onnx, test.mjs): then hub serving start -m ./<name>')
    .action(async (name: string) => {
      const folder = await (await import('../modules/user/scaffold.js')).scaffoldModule(name);
      say(`made ${folder}: module.mjs (its arguments and stages), model.onnx (a starter classifier: replace it with yours), test.mjs (node --test ${name}/test.mjs)`);
      say(`serve it: hub serving start -m ./${name}`);
    });
  hub.command('version').description('print Hub Serving\'s version').action(() => {
    process.stdout.write(`${PACKAGE_VERSION}\n`);
  });
  return hub;
}

/**
 * commander suggests by edit distance alone, so `hub serving stat` got "start" (one letter away) rather than
 * "status", which it begins. Unknown commands get our suggestion instead: a command the word begins wins.
 */
function suggestByPrefixFirst(command: Command, moduleNamed: (word: string) => string | undefined): void {
  const patched = command as Command & { unknownCommand: () => void; args: string[] };
  patched.unknownCommand = function unknownCommand(this: Command & { args: string[] }) {
    const word = this.args[0] ?? '';
    const names = this.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    const guess = closest(word, names);
    // `hub lac`: a module where a command belongs.
    const module = this.parent === null && !guess ? moduleNamed(word) : undefined;
    const hint = guess ? `\n(Did you mean ${guess}?)` : module ? `\n(${word} is a module: hub run ${word} --input_text ..., hub show ${word})` : '';
    this.error(`error: unknown command '${word}'${hint}`, { code: 'commander.unknownCommand' });
  };
  command.commands.forEach((sub) => suggestByPrefixFirst(sub, moduleNamed));
}

/** The module a first word that is no command names (`hub lac`), looked up only then: the catalogue is large. */
async function moduleNamedBy(hub: Command, word: string | undefined): Promise<string | undefined> {
  if (!word || word.startsWith('-') || hub.commands.some((c) => c.name() === word || c.aliases().includes(word))) return undefined;
  const { importModule } = await import('../modules/registry-names.js');
  return (await importModule(word))?.manifest.name;
}

export async function main(argv: string[]): Promise<void> {
  try {
    const hub = program();
    const module = await moduleNamedBy(hub, argv[2]);
    suggestByPrefixFirst(hub, (word) => (word === argv[2] ? module : undefined));
    await hub.parseAsync(argv);
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
