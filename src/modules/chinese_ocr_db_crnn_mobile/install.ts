import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checksumFiles } from '../../artifacts/checksum.js';
import { paths } from '../../artifacts/home.js';
import type { InstallProgress, InstallResult } from '../types.js';
import { OCR_MODULE_NAME } from './manifest.js';
import { OCR_PACKAGE, OCR_PACKAGE_VERSION, missingFiles, ocrFilePaths, ocrFiles, packageAssetsDir } from './model-files.js';

// "Installing" the OCR models is finding them (init_args.directory, else the npm package), checksumming them
// and recording where they are under HUB_HOME; the ONNX files are used in place, nothing is converted.

interface InstalledRecord {
  source: string;
  directory: string;
  checksum: string;
  /** Size and modification time per file: an unchanged record spares hashing 16 MB at every start. */
  files: Record<string, { size: number; mtimeMs: number }>;
  installed: string;
}

const recordPath = () => join(paths.module(OCR_MODULE_NAME), 'installed.json');

interface Source {
  directory: string;
  label: string;
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
  const named = initArgs.directory as string | undefined;
  if (named) {
    // Absolute, so the record and the inference threads name the same folder whatever the working directory.
    const given = resolve(named);
    if (!existsSync(given)) throw new Error(`${OCR_MODULE_NAME}: init_args.directory ${given} does not exist`);
    const missing = missingFiles(given);
    if (missing.length) throw new Error(`${OCR_MODULE_NAME}: init_args.directory ${given} lacks ${missing.join(', ')} (it must hold ${Object.values(ocrFiles).join(', ')})`);
    return { directory: given, label: `directory ${given}` };
  }
  const assets = packageAssetsDir();
  if (!assets || missingFiles(assets).length) return undefined;
  return { directory: assets, label: `npm package ${OCR_PACKAGE}@${await packageVersion(assets)}` };
}

async function fileStats(directory: string): Promise<InstalledRecord['files']> {
  const entries = await Promise.all(Object.values(ocrFiles).map(async (name) => {
    const s = await stat(join(directory, name));
    return [name, { size: s.size, mtimeMs: s.mtimeMs }] as const;
  }));
  return Object.fromEntries(entries);
}

async function readRecord(): Promise<InstalledRecord | undefined> {
  try {
    return JSON.parse(await readFile(recordPath(), 'utf8')) as InstalledRecord;
  } catch {
    return undefined;
  }
}

export async function installedOcr(initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  const source = await findSource(initArgs);
  const record = await readRecord();
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
  const record: InstalledRecord = {
    source: source.label,
    directory: source.directory,
    checksum,
    files: await fileStats(source.directory),
    installed: new Date().toISOString(),
  };
  progress('recording the installation', 2, steps);
  await mkdir(paths.module(OCR_MODULE_NAME), { recursive: true });
  const tmp = `${recordPath()}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(record, null, 2));
  await rename(tmp, recordPath());
  progress('done', steps, steps);
  return { source: source.label, directory: source.directory, checksum, fresh: true };
}
