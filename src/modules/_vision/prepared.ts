import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { paths } from '../../artifacts/home.js';
import type { InstallProgress, InstallResult } from '../types.js';
import { IMAGENET_NAMES_MISSING, imagenetClassNames, labelFileNames, type ClassNames } from './class-names.js';
import {
  downloadModelFile, downloadedModelFile, modelSha256, namedModelFile, recordedSha256,
  type ModelFile, type OnnxModelSpec, type PinnedDownload,
} from './model-file.js';

// installed/install for a module that serves one ONNX file with a list of class names. Nothing is converted:
// "preparing" is finding the file, knowing its sum, fixing the class names, and writing both into a record
// under HUB_HOME that `load` (in every serving process) reads, keyed by the file's sum and the names.

export type NamesSource =
  | { kind: 'imagenet' }
  | { kind: 'builtin'; names: readonly string[]; from: string };

export interface VisionModuleSpec {
  model: OnnxModelSpec;
  names: NamesSource;
}

export interface PreparedModel {
  /** Absolute path of the ONNX file, used where it is. */
  model: string;
  modelSha256: string;
  names: string[];
  namesFrom: string;
}

const RECORD = 'prepared.json';

async function classNames(spec: VisionModuleSpec, initArgs: Record<string, unknown>, install: boolean, progress?: InstallProgress): Promise<ClassNames | undefined> {
  const labelFile = initArgs.label_file;
  if (typeof labelFile === 'string' && labelFile.trim() !== '') return labelFileNames(resolve(labelFile));
  if (spec.names.kind === 'builtin') {
    const names = [...spec.names.names];
    return { names, from: spec.names.from, digest: createHash('sha256').update(names.join('\n')).digest('hex') };
  }
  return imagenetClassNames({ module: spec.model.module, allowDownload: install, progress });
}

function preparedDir(spec: VisionModuleSpec, modelSha: string, names: ClassNames): string {
  const key = createHash('sha256').update(`${modelSha}\0${names.digest}`).digest('hex');
  return join(paths.module(spec.model.module), key.slice(0, 16));
}

function sourceText(spec: VisionModuleSpec, model: ModelFile, sha: string, names: ClassNames): string {
  const d = spec.model.download;
  const known = sha === d.sha256 && !model.label.includes('sha256 verified') ? ` (${d.label}, sha256 verified)` : '';
  return `${model.label}${known}; class names from ${names.from}`;
}

export async function installedVision(spec: VisionModuleSpec, initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  const model = namedModelFile(spec.model, initArgs) ?? (await downloadedModelFile(spec.model));
  if (!model) return undefined;
  const sha = await recordedSha256(spec.model, model.path);
  if (!sha) return undefined;
  const names = await classNames(spec, initArgs, false);
  if (!names) return undefined;
  const directory = preparedDir(spec, sha, names);
  try {
    const record = JSON.parse(await readFile(join(directory, RECORD), 'utf8')) as PreparedModel;
    if (record.model !== model.path) return undefined;
  } catch {
    return undefined;
  }
  return { source: sourceText(spec, model, sha, names), directory, checksum: sha, fresh: false };
}

/** `download` is a parameter so tests can serve the pinned file from a local server. */
export async function installVision(spec: VisionModuleSpec, initArgs: Record<string, unknown>, progress: InstallProgress = () => {},
  download: PinnedDownload = spec.model.download): Promise<InstallResult> {
  const steps = 4;
  progress(`finding ${spec.model.module}'s weights`, 0, steps);
  const model = namedModelFile(spec.model, initArgs) ?? (await downloadedModelFile(spec.model, download)) ?? (await downloadModelFile(spec.model, progress, download));
  progress(`checksumming ${model.path}`, 1, steps);
  const sha = await modelSha256(spec.model, model.path);
  progress('finding the class names', 2, steps);
  const names = await classNames(spec, initArgs, true, progress);
  if (!names) throw new Error(`${spec.model.module}: ${IMAGENET_NAMES_MISSING}`);
  const directory = preparedDir(spec, sha, names);
  const record: PreparedModel = { model: model.path, modelSha256: sha, names: names.names, namesFrom: names.from };
  await mkdir(directory, { recursive: true });
  const tmp = join(directory, `${RECORD}.tmp-${process.pid}`);
  await writeFile(tmp, JSON.stringify(record));
  await rename(tmp, join(directory, RECORD));
  progress('done', steps, steps);
  return { source: sourceText(spec, model, sha, names), directory, checksum: sha, fresh: true };
}

export async function readPrepared(installed: InstallResult): Promise<PreparedModel> {
  return JSON.parse(await readFile(join(installed.directory, RECORD), 'utf8')) as PreparedModel;
}
