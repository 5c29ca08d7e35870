import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { probeDevices, selectDevices, DeviceError } from '../backends/device.js';
import { keysAt, parseOrThrow } from '../config/issues.js';
import { UsageError } from '../errors/catalogue.js';
import { fsErrorWords } from '../artifacts/fs-errors.js';
import { checkInitPaths, moduleFromSpec, type ResolvedModule } from '../modules/resolve.js';
import type { LoadedModule } from '../modules/types.js';
import { InferencePool } from '../scheduler/pool.js';
import { ensureInstalled } from '../process/install-modules.js';
import { pythonRepr } from './python-repr.js';
import { warn } from './output.js';

// `hub run <module> --input_text ...`: one prediction in this process, no server, printed as PaddleHub's
// `hub run` prints it (the Python repr of the results). Progress and warnings go to stderr, so stdout holds
// the results alone.

export interface RunOptions {
  input_text?: string;
  input_file?: string;
  input_path?: string[];
  use_gpu?: string | boolean;
  gpu?: string;
  batch_size?: string;
  return_tag?: string;
  user_dict?: string;
}

const RELEASE_SESSIONS = new URL('../backends/release-sessions.worker.js', import.meta.url).href;

/** PaddleHub's flags take Python literals: `--use_gpu True`, `--return_tag False`. */
function pythonBool(flag: string, value: string | boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (/^(true|1)$/i.test(value)) return true;
  if (/^(false|0)$/i.test(value)) return false;
  throw new UsageError(`--${flag}: "${value}" is not allowed: expected True or False`);
}

async function readInputFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--input_file: ${fsErrorWords(error)}: ${path}`);
  }
  // As PaddleHub's txt_parser with use_strip: one text a line, stripped, empty lines left out.
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

async function readImage(path: string): Promise<string> {
  try {
    return (await readFile(path)).toString('base64');
  } catch (error) {
    throw new UsageError(`--input_path: ${fsErrorWords(error)}: ${path}`);
  }
}

/** The request bodies for the module from the flags: one body, or one per text for modules that take one text. */
async function bodiesFor(resolved: ResolvedModule, options: RunOptions): Promise<Record<string, unknown>[]> {
  const { manifest } = resolved.definition;
  const name = manifest.name;
  if ('images' in manifest.example) {
    if (options.input_text !== undefined || options.input_file !== undefined) {
      throw new UsageError(`${name} reads images: give --input_path <image file> (not --input_text or --input_file)`);
    }
    if (!options.input_path?.length) throw new UsageError(`${name} needs an image: hub run ${name} --input_path <image file>`);
    return [{ images: await Promise.all(options.input_path.map(readImage)) }];
  }
  if (options.input_path !== undefined) throw new UsageError(`${name} reads texts: give --input_text "..." or --input_file <file> (one text a line), not --input_path`);
  if (options.input_text !== undefined && options.input_file !== undefined) throw new UsageError('give --input_text or --input_file, not both');
  let texts: string[];
  if (options.input_file !== undefined) texts = await readInputFile(options.input_file);
  else if (options.input_text !== undefined && options.input_text.trim() !== '') texts = [options.input_text];
  else throw new UsageError(`${name} needs a text: hub run ${name} --input_text "..." (or --input_file <file>, one text a line)`);
  if (texts.length === 0) throw new UsageError(`--input_file: ${options.input_file} holds no text (one text a line)`);

  const extra: Record<string, unknown> = {};
  if (options.batch_size !== undefined) {
    const size = Number(options.batch_size);
    if (!Number.isInteger(size) || size < 1) throw new UsageError(`--batch_size: "${options.batch_size}" is not allowed: expected a positive integer`);
    if (resolved.definition.describeArgs().some((arg) => arg.name === 'batch_size')) extra.batch_size = size;
  }
  if ('sentence' in manifest.example) return texts.map((sentence) => ({ sentence, use_paddle: true }));
  if (name === 'lac') return [{ text: texts, return_tag: pythonBool('return_tag', options.return_tag, true), ...extra }];
  const key = 'texts' in manifest.example ? 'texts' : 'text';
  return [{ [key]: texts, ...extra }];
}

export async function runModule(spec: string, options: RunOptions): Promise<void> {
  const { definition, version, warnings } = await moduleFromSpec(spec);
  warnings.forEach(warn);
  const { manifest } = definition;
  const rawInit: Record<string, unknown> = {};
  if (options.user_dict !== undefined) {
    if (!keysAt(definition.initSchema, []).includes('user_dict')) {
      throw new UsageError(`--user_dict: ${manifest.name} takes no user dictionary`);
    }
    rawInit.user_dict = options.user_dict;
  }
  if (version !== undefined) rawInit.version = version;
  const initArgs = parseOrThrow(definition.initSchema, rawInit, (line) => new UsageError(line), 'init_args');
  checkInitPaths(initArgs, (key) => `--${key}`);
  const resolved: ResolvedModule = { definition, requestedAs: spec.split('==')[0]!, initArgs, predictArgs: {}, warnings };
  const bodies = await bodiesFor(resolved, options);
  const args = bodies.map((body) => parseOrThrow(definition.predictSchema, body, (line) => new UsageError(line)));

  const useGpu = pythonBool('use_gpu', options.use_gpu, false);
  let devices;
  try {
    const gpus = useGpu ? (options.gpu ?? process.env.CUDA_VISIBLE_DEVICES?.split(',')[0] ?? '0').split(',').map(Number) : [];
    devices = selectDevices(useGpu, gpus, 1, probeDevices());
  } catch (error) {
    if (error instanceof DeviceError) throw new UsageError(error.message);
    throw error;
  }

  const installed = await ensureInstalled(resolved, false, process.stderr);
  const pool = new InferencePool({ devices, maxQueue: 64, intraOpThreads: 0 });
  const log = pino({ level: process.env.HUB_LOG_LEVEL ?? 'warn', base: { pid: process.pid } }, pino.destination(2));
  let loaded: LoadedModule | undefined;
  try {
    loaded = await definition.load({ initArgs, pool, log: log.child({ module: manifest.name }) }, installed);
    const results: unknown[] = [];
    for (const body of args) {
      const controller = new AbortController();
      const out = await loaded.predict(body, { signal: controller.signal });
      // Modules that take one text answer with that text's result; several texts make a list of them.
      if ('sentence' in manifest.example) results.push(out);
      else results.push(...out);
    }
    const printed = 'sentence' in manifest.example && results.length === 1 ? results[0] : results;
    process.stdout.write(`${pythonRepr(printed)}\n`);
  } finally {
    await loaded?.close?.();
    await pool.drain().catch(() => {});
    await pool.broadcast(RELEASE_SESSIONS, {}).catch(() => {});
    await pool.close();
  }
}
