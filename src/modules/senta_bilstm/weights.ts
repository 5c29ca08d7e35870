import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { combineSums } from '../../artifacts/checksum.js';
import { preparedFolder } from '../../artifacts/prepared-cache.js';
import { downloadSteps, type InstallProgress } from '../../artifacts/progress.js';
import { installedRecordFile, readRecord, writeRecord, type InstallResult } from '../../artifacts/record.js';
import { walkSources, type ModelSources, type NamedPath, type UrlSource } from '../../artifacts/sources.js';
import { fetchVerified, fromLocalPath, type LocalSource } from '../../artifacts/url-source.js';
import { lac } from '../lac/index.js';
import { SENTA_DIR_ENV, noWeightsMessage } from './manifest.js';
import { sentaFiles } from './senta-files.js';

// Where senta's weights come from. No reachable package holds them, so: a folder the user names
// (init_args.directory, else HUB_SENTA_DIR), or a download pinned by sha256 from SENTA_URL_SOURCES.
// Nothing is converted: the folder's files are used where they are. senta also needs lac for its words,
// so installing senta installs lac, and senta counts as installed only when lac is too.

/** Pinned downloads of model.onnx + vocab.txt. Empty: no host we can reach publishes an ONNX export of senta. */
export const SENTA_URL_SOURCES: readonly UrlSource[] = [];

const NAME = 'senta_bilstm';
const LOCAL_HINT = `put ${sentaFiles.model} and ${sentaFiles.vocab} in a folder named by init_args.directory or ${SENTA_DIR_ENV} instead`;

/** The weights' sources, in order: a folder the user names, then each pinned download. */
export function sentaSources(downloads: readonly UrlSource[] = SENTA_URL_SOURCES): ModelSources {
  return { module: NAME, sources: [{ kind: 'path', initArgs: ['directory'], env: SENTA_DIR_ENV }, ...downloads] };
}

/** One sum for the pair, so a changed model or vocab is a different install. */
const pairChecksum = (modelSha: string, vocabSha: string) => combineSums([sentaFiles.model, modelSha, sentaFiles.vocab, vocabSha]);

interface NamedFolder {
  found?: InstallResult;
  /** What is wrong with the named folder, when `found` is absent. */
  problem?: string;
}

/** The folder named by init_args.directory or HUB_SENTA_DIR: its weights or what it lacks. */
async function namedFolder(named: NamedPath): Promise<NamedFolder> {
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

/** A previous download, if its files are still there. */
async function downloaded(): Promise<InstallResult | undefined> {
  const record = await readRecord(installedRecordFile(NAME));
  if (!record?.directory) return undefined;
  if (!existsSync(join(record.directory, sentaFiles.model)) || !existsSync(join(record.directory, sentaFiles.vocab))) return undefined;
  return { source: record.source, directory: record.directory, checksum: record.checksum, fresh: false };
}

async function download(source: UrlSource, progress: InstallProgress): Promise<InstallResult> {
  const checksum = combineSums(source.files.flatMap((file) => [file.name, file.sha256.toLowerCase()]));
  const directory = preparedFolder({ module: NAME }, checksum);
  for (const file of source.files) {
    const dest = join(directory, file.name);
    // A file already there with the pinned sum is kept: a second install downloads nothing.
    if (await fromLocalPath(dest, file.sha256).then(() => true, () => false)) continue;
    await fetchVerified(file.url, file.sha256, dest, downloadSteps(progress, `downloading ${file.name} from ${source.label}`),
      { maxBytes: file.maxBytes, localHint: LOCAL_HINT });
  }
  await writeRecord(installedRecordFile(NAME), { source: source.label, directory, checksum });
  return { source: source.label, directory, checksum, fresh: true };
}

async function ensureLac(progress: InstallProgress): Promise<void> {
  if (await lac.installed({})) return;
  await lac.install({}, (step, done, total) => progress(`lac, for word segmentation: ${step}`, done, total));
}

export async function installedSenta(initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  const named = await walkSources(sentaSources(), initArgs, { path: async (path) => (await namedFolder(path)).found });
  const found = named.from ? named.found : await downloaded();
  if (!found) return undefined;
  return (await lac.installed({})) ? found : undefined;
}

/** `downloads` is a parameter so tests can serve a download from a local server. */
export async function installSenta(
  initArgs: Record<string, unknown>,
  progress: InstallProgress = () => {},
  downloads: readonly UrlSource[] = SENTA_URL_SOURCES,
): Promise<InstallResult> {
  const walked = await walkSources(sentaSources(downloads), initArgs, {
    path: async (path) => {
      const folder = await namedFolder(path);
      if (!folder.found) throw new Error(noWeightsMessage(folder.problem));
      return folder.found;
    },
    url: async (source) => (await downloaded()) ?? (await download(source, progress)),
  });
  if (!walked.found) {
    if (downloads.length === 0) throw new Error(noWeightsMessage());
    throw new Error(`senta_bilstm: no download of the weights worked: ${walked.failures.map((e) => e.message).join(' | ')}`);
  }
  await ensureLac(progress);
  return walked.found;
}
