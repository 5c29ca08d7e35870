import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checksumFiles } from '../../artifacts/checksum.js';
import { installedRecordFile, readRecord, stampFiles, writeRecord, type ArtifactRecord, type FileStamp } from '../../artifacts/record.js';
import { walkSources, type ModelSources } from '../../artifacts/sources.js';
import type { InstallProgress, InstallResult } from '../types.js';
import { OCR_MODULE_NAME } from './manifest.js';
import { OCR_PACKAGE, OCR_PACKAGE_VERSION, missingFiles, ocrFilePaths, ocrFiles, packageAssetsDir } from './model-files.js';

// "Installing" the OCR models is finding them (init_args.directory, else the npm package), checksumming them
// and recording where they are under HUB_HOME; the ONNX files are used in place, nothing is converted.

/** The models' sources, in order: a folder the user names, then the npm package installed beside hub-serving. */
export const ocrSources: ModelSources = {
  module: OCR_MODULE_NAME,
  sources: [
    { kind: 'path', initArgs: ['directory'] },
    { kind: 'npm', package: OCR_PACKAGE, version: OCR_PACKAGE_VERSION },
  ],
};

interface Source {
  directory: string;
  label: string;
}

interface OcrRecord extends ArtifactRecord {
  directory: string;
  /** Size and modification time per file: an unchanged record spares hashing 16 MB at every start. */
  files: Record<string, FileStamp>;
  installed: string;
}

async function packageVersion(assets: string): Promise<string> {
  try {
    return (JSON.parse(await readFile(join(assets, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Where the files are. A named folder that lacks them is an error; a missing package is not (yet). */
async function findSource(initArgs: Record<string, unknown>): Promise<Source | undefined> {
  const walked = await walkSources<Source>(ocrSources, initArgs, {
    path: async (named) => {
      // Absolute, so the record and the inference threads name the same folder whatever the working directory.
      const given = resolve(named.path);
      if (!existsSync(given)) throw new Error(`${OCR_MODULE_NAME}: ${named.label} ${given} does not exist`);
      const missing = missingFiles(given);
      if (missing.length) throw new Error(`${OCR_MODULE_NAME}: ${named.label} ${given} lacks ${missing.join(', ')} (it must hold ${Object.values(ocrFiles).join(', ')})`);
      return { directory: given, label: `directory ${given}` };
    },
    npm: async (npm) => {
      const assets = packageAssetsDir();
      if (!assets || missingFiles(assets).length) return undefined;
      return { directory: assets, label: `npm package ${npm.package}@${await packageVersion(assets)}` };
    },
  });
  return walked.found;
}

const fileStats = (directory: string) => stampFiles(directory, Object.values(ocrFiles));

export async function installedOcr(initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  const source = await findSource(initArgs);
  const record = await readRecord<OcrRecord>(installedRecordFile(OCR_MODULE_NAME));
  if (!source || !record || record.directory !== source.directory) return undefined;
  if (JSON.stringify(await fileStats(source.directory)) !== JSON.stringify(record.files)) return undefined;
  return { source: record.source, directory: record.directory, checksum: record.checksum, fresh: false };
}

export async function installOcr(initArgs: Record<string, unknown>, progress: InstallProgress = () => {}): Promise<InstallResult> {
  const steps = 3;
  progress('finding the PP-OCRv4 model files', 0, steps);
  const source = await findSource(initArgs);
  if (!source) {
    throw new Error(`${OCR_MODULE_NAME}: the PP-OCRv4 model files were not found. Install the npm package ` +
      `${OCR_PACKAGE}@${OCR_PACKAGE_VERSION} beside hub-serving (npm install ${OCR_PACKAGE}@${OCR_PACKAGE_VERSION}), ` +
      `or set init_args.directory to a folder holding ${Object.values(ocrFiles).join(', ')}`);
  }
  progress('checksumming the model files', 1, steps);
  const checksum = await checksumFiles(ocrFilePaths(source.directory));
  const record: OcrRecord = {
    source: source.label,
    directory: source.directory,
    checksum,
    files: await fileStats(source.directory),
    installed: new Date().toISOString(),
  };
  progress('recording the installation', 2, steps);
  await writeRecord(installedRecordFile(OCR_MODULE_NAME), record);
  progress('done', steps, steps);
  return { source: source.label, directory: source.directory, checksum, fresh: true };
}
