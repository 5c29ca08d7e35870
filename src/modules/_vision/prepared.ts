import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { combineSums } from '../../artifacts/checksum.js';
import { preparedFolder } from '../../artifacts/prepared-cache.js';
import type { InstallProgress } from '../../artifacts/progress.js';
import { readRecord, writeRecord, type ArtifactRecord, type InstallResult } from '../../artifacts/record.js';
import { walkSources } from '../../artifacts/sources.js';
import { IMAGENET_NAMES_MISSING, imagenetClassNames, labelFileNames, type ClassNames } from './class-names.js';
import {
  downloadModelFile, downloadedModelFile, modelFileAt, modelSha256, recordedSha256, visionSources,
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

/** The record: the common fields, and what `load` reads (records written before they had the common ones still serve). */
type PreparedRecord = ArtifactRecord & PreparedModel;
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

/** The prepared folder, keyed by the model file's sum and the class names. */
const preparedDir = (spec: VisionModuleSpec, modelSha: string, names: ClassNames) => preparedFolder({ module: spec.model.module }, combineSums([modelSha, names.digest]));

function sourceText(spec: VisionModuleSpec, model: ModelFile, sha: string, names: ClassNames): string {
  const d = spec.model.download;
  const known = sha === d.sha256 && !model.label.includes('sha256 verified') ? ` (${d.label}, sha256 verified)` : '';
  return `${model.label}${known}; class names from ${names.from}`;
}

/** The model file: the path the user names, else an earlier download, else (`download` given) a download now. */
async function findModelFile(spec: VisionModuleSpec, initArgs: Record<string, unknown>, pinned: PinnedDownload, progress?: InstallProgress): Promise<ModelFile | undefined> {
  const walked = await walkSources(visionSources(spec.model, pinned), initArgs, {
    path: async (named) => modelFileAt(spec.model, named),
    url: async (source) => (await downloadedModelFile(spec.model, source)) ?? (progress ? await downloadModelFile(spec.model, source, progress) : undefined),
  });
  if (!walked.found && walked.failures[0]) throw walked.failures[0];
  return walked.found;
}

export async function installedVision(spec: VisionModuleSpec, initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  const model = await findModelFile(spec, initArgs, spec.model.download);
  if (!model) return undefined;
  const sha = await recordedSha256(spec.model, model.path);
  if (!sha) return undefined;
  const names = await classNames(spec, initArgs, false);
  if (!names) return undefined;
  const directory = preparedDir(spec, sha, names);
  const record = await readRecord<PreparedModel>(join(directory, RECORD));
  if (record?.model !== model.path) return undefined;
  return { source: sourceText(spec, model, sha, names), directory, checksum: sha, fresh: false };
}

/** `download` is a parameter so tests can serve the pinned file from a local server. */
export async function installVision(spec: VisionModuleSpec, initArgs: Record<string, unknown>, progress: InstallProgress = () => {},
  download: PinnedDownload = spec.model.download): Promise<InstallResult> {
  const steps = 4;
  progress(`finding ${spec.model.module}'s weights`, 0, steps);
  const model = (await findModelFile(spec, initArgs, download, progress))!;
  progress(`checksumming ${model.path}`, 1, steps);
  const sha = await modelSha256(spec.model, model.path);
  progress('finding the class names', 2, steps);
  const names = await classNames(spec, initArgs, true, progress);
  if (!names) throw new Error(`${spec.model.module}: ${IMAGENET_NAMES_MISSING}`);
  const directory = preparedDir(spec, sha, names);
  const source = sourceText(spec, model, sha, names);
  await writeRecord<PreparedRecord>(join(directory, RECORD), { source, checksum: sha, model: model.path, modelSha256: sha, names: names.names, namesFrom: names.from });
  progress('done', steps, steps);
  return { source, directory, checksum: sha, fresh: true };
}

export async function readPrepared(installed: InstallResult): Promise<PreparedModel> {
  const file = join(installed.directory, RECORD);
  const record = await readRecord<PreparedModel>(file);
  if (!record) throw new Error(`${file} cannot be read: prepare the module again (hub install --force)`);
  return { model: record.model, modelSha256: record.modelSha256, names: record.names, namesFrom: record.namesFrom };
}
