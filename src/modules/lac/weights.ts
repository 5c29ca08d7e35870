import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checksumFiles } from '../../artifacts/checksum.js';
import { fetchDebianPackage } from '../../artifacts/debian.js';
import { paths } from '../../artifacts/home.js';
import type { InstallProgress, InstallResult } from '../types.js';
import { LAC_DEBIAN_PACKAGE, LAC_DIR_ENV, LAC_SYSTEM_DIR } from './manifest.js';
import { convertLacDirectory } from '../../artifacts/convert/paddle/lac-convert.js';
import { LacRunner } from './lac-runner.js';
import { lacFiles, type LacVocabFile } from './cache-files.js';

// Finding Baidu's LAC weights, converting them to ONNX once, and caching the result under HUB_HOME keyed by
// the checksum of the source files, so a changed source is converted again and an unchanged one never is.

const DEB_SUBDIR = join('usr', 'lib', 'python3', 'dist-packages', 'jieba', 'lac_small');
const TENSORS = ['word_emb', 'crfw', 'fc_0.w_0', 'fc_0.b_0', 'fc_1.w_0', 'fc_1.b_0', 'fc_2.w_0', 'fc_2.b_0',
  'fc_3.w_0', 'fc_3.b_0', 'fc_4.w_0', 'fc_4.b_0', 'gru_0.w_0', 'gru_0.b_0', 'gru_1.w_0', 'gru_1.b_0',
  'gru_2.w_0', 'gru_2.b_0', 'gru_3.w_0', 'gru_3.b_0'];

/** A lac_small folder, or a folder holding one (jieba/lac_small, or an unpacked python3-jieba package). */
export function findLacDir(dir: string): string | undefined {
  for (const candidate of [dir, join(dir, 'lac_small'), join(dir, 'jieba', 'lac_small'), join(dir, DEB_SUBDIR)]) {
    if (existsSync(join(candidate, 'model_baseline', 'crfw')) && existsSync(join(candidate, 'word.dic'))) return candidate;
  }
  return undefined;
}

/** What the conversion reads; q2b.dic counts where a model has one, so adding it converts again. */
function sourceFiles(dir: string): string[] {
  const q2b = join(dir, 'q2b.dic');
  return [...TENSORS.map((t) => join(dir, 'model_baseline', t)), join(dir, 'word.dic'), join(dir, 'tag.dic'), ...(existsSync(q2b) ? [q2b] : [])];
}

function cacheDir(checksum: string): string {
  return join(paths.module('lac'), checksum.slice(0, 16));
}

const installedRecord = () => join(paths.module('lac'), 'installed.json');

async function readCached(checksum: string, source: string): Promise<InstallResult | undefined> {
  const directory = cacheDir(checksum);
  if (!existsSync(join(directory, lacFiles.info))) return undefined;
  return { source, directory, checksum, fresh: false };
}

/** Explicitly named folders: init_args.directory, then the environment. A named folder that is wrong is an error. */
function namedDir(initArgs: Record<string, unknown>): { dir: string; label: string } | undefined {
  const given = initArgs.directory as string | undefined;
  if (given) {
    const dir = findLacDir(given);
    if (!dir) throw new Error(`lac: init_args.directory ${given} holds no LAC model (expected model_baseline/, word.dic, tag.dic)`);
    return { dir, label: `directory ${dir}` };
  }
  const fromEnv = process.env[LAC_DIR_ENV];
  if (fromEnv) {
    const dir = findLacDir(fromEnv);
    if (!dir) throw new Error(`lac: ${LAC_DIR_ENV}=${fromEnv} holds no LAC model (expected model_baseline/, word.dic, tag.dic)`);
    return { dir, label: `${LAC_DIR_ENV} ${dir}` };
  }
  return undefined;
}

export async function installedLac(initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  const named = namedDir(initArgs);
  if (named) return readCached(await checksumFiles(sourceFiles(named.dir)), named.label);
  if (!existsSync(installedRecord())) return undefined;
  const record = JSON.parse(await readFile(installedRecord(), 'utf8')) as { checksum: string; source: string };
  return readCached(record.checksum, record.source);
}

export async function installLac(initArgs: Record<string, unknown>, progress: InstallProgress = () => {}): Promise<InstallResult> {
  const steps = 4;
  progress('finding the LAC weights', 0, steps);
  let source = namedDir(initArgs);
  let dispose: (() => Promise<void>) | undefined;
  if (!source && findLacDir(LAC_SYSTEM_DIR)) source = { dir: LAC_SYSTEM_DIR, label: `Debian package ${LAC_DEBIAN_PACKAGE} (${LAC_SYSTEM_DIR})` };
  if (!source) {
    progress(`downloading Debian package ${LAC_DEBIAN_PACKAGE}`, 0, steps);
    await mkdir(paths.tmp(), { recursive: true });
    try {
      const fetched = await fetchDebianPackage(LAC_DEBIAN_PACKAGE, paths.tmp());
      dispose = fetched.dispose;
      const dir = findLacDir(fetched.root);
      if (!dir) throw new Error(`the package ${LAC_DEBIAN_PACKAGE} holds no jieba/lac_small folder`);
      source = { dir, label: `Debian package ${LAC_DEBIAN_PACKAGE} (apt-get download)` };
    } catch (error) {
      await dispose?.();
      throw new Error(`lac: no source of weights worked. Tried init_args.directory, ${LAC_DIR_ENV}, ${LAC_SYSTEM_DIR} and ` +
        `\`apt-get download ${LAC_DEBIAN_PACKAGE}\` (${(error as Error).message}). Install it with ` +
        `\`apt-get install ${LAC_DEBIAN_PACKAGE}\`, or point ${LAC_DIR_ENV} at a jieba lac_small folder (the PyPI sdist jieba-0.42.1 has one).`);
    }
  }
  try {
    progress('checking the source files', 1, steps);
    const checksum = await checksumFiles(sourceFiles(source.dir));
    const cached = await readCached(checksum, source.label);
    if (cached) {
      await recordInstalled(checksum, source.label);
      progress('already converted', steps, steps);
      return cached;
    }
    progress('converting the Paddle tensors to ONNX', 2, steps);
    const artifacts = await convertLacDirectory(source.dir);
    const directory = cacheDir(checksum);
    const staging = `${directory}.tmp-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    const vocab: LacVocabFile = { oovId: artifacts.oovId, chars: Object.fromEntries(artifacts.vocab), charMap: Object.fromEntries(artifacts.charMap) };
    await writeFile(join(staging, lacFiles.model), artifacts.onnx);
    await writeFile(join(staging, lacFiles.crf), new Uint8Array(artifacts.crf.buffer, artifacts.crf.byteOffset, artifacts.crf.byteLength));
    await writeFile(join(staging, lacFiles.vocab), JSON.stringify(vocab));
    await writeFile(join(staging, lacFiles.tags), JSON.stringify(artifacts.tags));

    progress('checking the converted model', 3, steps);
    await checkConverted(artifacts);
    await writeFile(join(staging, lacFiles.info), JSON.stringify({ source: source.label, checksum, converted: new Date().toISOString() }, null, 2));
    await rm(directory, { recursive: true, force: true });
    await rename(staging, directory);
    await recordInstalled(checksum, source.label);
    progress('done', steps, steps);
    return { source: source.label, directory, checksum, fresh: true };
  } finally {
    await dispose?.();
  }
}

// A converted graph must reproduce a known analysis, or it is not cached.
async function checkConverted(artifacts: Awaited<ReturnType<typeof convertLacDirectory>>): Promise<void> {
  const runner = await LacRunner.create(artifacts);
  try {
    const [result] = await runner.run(['今天是个好日子']);
    const got = result!.word.map((w, i) => `${w}/${result!.tag[i]}`).join(' ');
    const expected = '今天/TIME 是/v 个/q 好日子/n';
    if (got !== expected) throw new Error(`lac: the converted model analyses 今天是个好日子 as "${got}", expected "${expected}"`);
  } finally {
    await runner.close?.();
  }
}

async function recordInstalled(checksum: string, source: string): Promise<void> {
  await mkdir(paths.module('lac'), { recursive: true });
  const tmp = `${installedRecord()}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify({ checksum, source }, null, 2));
  await rename(tmp, installedRecord());
}
