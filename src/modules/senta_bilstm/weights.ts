import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { paths } from '../../artifacts/home.js';
import { fetchVerified, fromLocalPath, namedLocalPath, type LocalSource } from '../../artifacts/url-source.js';
import { lac } from '../lac/index.js';
import type { InstallProgress, InstallResult } from '../types.js';
import { SENTA_DIR_ENV, noWeightsMessage } from './manifest.js';
import { sentaFiles } from './senta-files.js';

// Where senta's weights come from. No reachable package holds them, so: a folder the user names
// (init_args.directory, else HUB_SENTA_DIR), or a download pinned by sha256 from SENTA_URL_SOURCES.
// Nothing is converted: the folder's files are used where they are. senta also needs lac for its words,
// so installing senta installs lac, and senta counts as installed only when lac is too.

export interface SentaUrlFile {
  url: string;
  sha256: string;
  /** Download limit; fetchVerified's default when absent. */
  maxBytes?: number;
}

export interface SentaUrlSource {
  /** Where the files come from, in words, for `hub list` and the start line. */
  label: string;
  model: SentaUrlFile;
  vocab: SentaUrlFile;
}

/** Pinned downloads of model.onnx + vocab.txt. Empty: no host we can reach publishes an ONNX export of senta. */
export const SENTA_URL_SOURCES: readonly SentaUrlSource[] = [];

const NAME = 'senta_bilstm';
const recordFile = () => join(paths.module(NAME), 'installed.json');
const LOCAL_HINT = `put ${sentaFiles.model} and ${sentaFiles.vocab} in a folder named by init_args.directory or ${SENTA_DIR_ENV} instead`;

/** One sum for the pair, so a changed model or vocab is a different install. */
function pairChecksum(modelSha: string, vocabSha: string): string {
  return createHash('sha256').update(`${sentaFiles.model}\0${modelSha}\0${sentaFiles.vocab}\0${vocabSha}`).digest('hex');
}

interface NamedFolder {
  found?: InstallResult;
  /** What is wrong with the named folder, when `found` is absent. */
  problem?: string;
}

/** The folder named by init_args.directory or HUB_SENTA_DIR, if one is named: its weights or what it lacks. */
async function namedFolder(initArgs: Record<string, unknown>): Promise<NamedFolder | undefined> {
  const named = namedLocalPath(initArgs, 'directory', SENTA_DIR_ENV);
  if (!named) return undefined;
  const where = `${named.label} ${named.path}`;
  let folder: LocalSource;
  try {
    folder = await fromLocalPath(named.path, undefined, named.label);
  } catch (error) {
    return { problem: (error as Error).message };
  }
  if (folder.kind !== 'directory') return { problem: `${where} is a file, not a folder` };
  const files: LocalSource[] = [];
  const missing: string[] = [];
  for (const name of [sentaFiles.model, sentaFiles.vocab]) {
    const file = await fromLocalPath(join(folder.path, name), undefined, where).catch(() => undefined);
    if (file?.kind === 'file') files.push(file);
    else missing.push(name);
  }
  if (missing.length > 0) return { problem: `${where} has no ${missing.join(' and no ')}` };
  const [model, vocab] = files as [LocalSource, LocalSource];
  return { found: { source: `${named.label} ${folder.path}`, directory: folder.path, checksum: pairChecksum(model.sha256!, vocab.sha256!), fresh: false } };
}

interface InstalledRecord {
  source: string;
  directory: string;
  checksum: string;
}

/** A previous download, if its files are still there. */
async function downloaded(): Promise<InstallResult | undefined> {
  if (!existsSync(recordFile())) return undefined;
  const record = JSON.parse(await readFile(recordFile(), 'utf8')) as InstalledRecord;
  if (!existsSync(join(record.directory, sentaFiles.model)) || !existsSync(join(record.directory, sentaFiles.vocab))) return undefined;
  return { ...record, fresh: false };
}

async function writeRecord(record: InstalledRecord): Promise<void> {
  await mkdir(paths.module(NAME), { recursive: true });
  const tmp = `${recordFile()}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(record, null, 2));
  await rename(tmp, recordFile());
}

async function download(sources: readonly SentaUrlSource[], progress: InstallProgress): Promise<InstallResult> {
  if (sources.length === 0) throw new Error(noWeightsMessage());
  const failures: string[] = [];
  for (const source of sources) {
    const checksum = pairChecksum(source.model.sha256.toLowerCase(), source.vocab.sha256.toLowerCase());
    const directory = join(paths.module(NAME), checksum.slice(0, 16));
    try {
      for (const [name, file] of [[sentaFiles.model, source.model], [sentaFiles.vocab, source.vocab]] as const) {
        const dest = join(directory, name);
        // A file already there with the pinned sum is kept: a second install downloads nothing.
        if (await fromLocalPath(dest, file.sha256).then(() => true, () => false)) continue;
        const step = `downloading ${name} from ${source.label}`;
        await fetchVerified(file.url, file.sha256, dest, (received, total) => progress(step, received, total ?? received),
          { maxBytes: file.maxBytes, localHint: LOCAL_HINT });
      }
      await writeRecord({ source: source.label, directory, checksum });
      return { source: source.label, directory, checksum, fresh: true };
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  throw new Error(`senta_bilstm: no download of the weights worked: ${failures.join(' | ')}`);
}

async function ensureLac(progress: InstallProgress): Promise<void> {
  if (await lac.installed({})) return;
  await lac.install({}, (step, done, total) => progress(`lac, for word segmentation: ${step}`, done, total));
}

export async function installedSenta(initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  const named = await namedFolder(initArgs);
  const found = named ? named.found : await downloaded();
  if (!found) return undefined;
  return (await lac.installed({})) ? found : undefined;
}

/** `sources` is a parameter so tests can serve a download from a local server. */
export async function installSenta(
  initArgs: Record<string, unknown>,
  progress: InstallProgress = () => {},
  sources: readonly SentaUrlSource[] = SENTA_URL_SOURCES,
): Promise<InstallResult> {
  const named = await namedFolder(initArgs);
  let result: InstallResult;
  if (named) {
    if (!named.found) throw new Error(noWeightsMessage(named.problem));
    result = named.found;
  } else {
    result = (await downloaded()) ?? (await download(sources, progress));
  }
  await ensureLac(progress);
  return result;
}
