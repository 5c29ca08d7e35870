import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LacArtifacts } from '../../artifacts/convert/paddle/lac-convert.js';
import { installedConverted, prepareConverted, type ConvertedModel, type FoundFiles } from '../../artifacts/converted.js';
import { fetchDebianPackage } from '../../artifacts/debian.js';
import type { InstallProgress } from '../../artifacts/progress.js';
import type { InstallResult } from '../../artifacts/record.js';
import { triedPlaces, walkSources } from '../../artifacts/sources.js';
import { LAC_DEBIAN_PACKAGE, LAC_DIR_ENV, LAC_SYSTEM_DIR } from './manifest.js';
import { lacFiles, type LacVocabFile } from './cache-files.js';

// Finding Baidu's LAC weights, converting them to ONNX once, and caching the result under HUB_HOME keyed by
// the checksum of the source files, so a changed source is converted again and an unchanged one never is.
// What only a conversion needs (the converter, and onnxruntime for its check) is imported
// when converting: a start with weights already prepared does without it.

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

/** LAC's sources, in order: a folder the user names, then Debian's python3-jieba (installed, else downloaded). */
const lacModel: ConvertedModel = {
  cache: { module: 'lac' },
  sources: {
    module: 'lac',
    sources: [
      { kind: 'path', initArgs: ['directory'], env: LAC_DIR_ENV },
      { kind: 'debian', package: LAC_DEBIAN_PACKAGE, installedAt: LAC_SYSTEM_DIR },
    ],
  },
  named: (named) => {
    const dir = findLacDir(named.path);
    const where = named.fromEnv ? `${named.label}=${named.path}` : `${named.label} ${named.path}`;
    if (!dir) throw new Error(`lac: ${where} holds no LAC model (expected model_baseline/, word.dic, tag.dic)`);
    return { dir, label: named.fromEnv ? `${named.label} ${dir}` : `directory ${dir}` };
  },
  // What the conversion reads; q2b.dic counts where a model has one, so adding it converts again.
  files: (dir) => {
    const q2b = join(dir, 'q2b.dic');
    return [...TENSORS.map((t) => join(dir, 'model_baseline', t)), join(dir, 'word.dic'), join(dir, 'tag.dic'), ...(existsSync(q2b) ? [q2b] : [])];
  },
};

export function installedLac(initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  return installedConverted(lacModel, initArgs);
}

export async function installLac(initArgs: Record<string, unknown>, progress: InstallProgress = () => {}): Promise<InstallResult> {
  const steps = 4;
  progress('finding the LAC weights', 0, steps);
  let dispose: (() => Promise<void>) | undefined;
  const walked = await walkSources<FoundFiles>(lacModel.sources, initArgs, {
    path: async (named) => lacModel.named(named),
    debian: async (deb) => {
      if (deb.installedAt && findLacDir(deb.installedAt)) return { dir: deb.installedAt, label: `Debian package ${deb.package} (${deb.installedAt})` };
      progress(`downloading Debian package ${deb.package}`, 0, steps);
      const fetched = await fetchDebianPackage(deb.package);
      dispose = fetched.dispose;
      const dir = findLacDir(fetched.root);
      if (!dir) throw new Error(`the package ${deb.package} holds no jieba/lac_small folder`);
      return { dir, label: `Debian package ${deb.package} (apt-get download)` };
    },
  });
  const source = walked.found;
  if (!source) {
    await dispose?.();
    const tried = triedPlaces(lacModel.sources);
    throw new Error(`lac: no source of weights worked. Tried ${tried.slice(0, -1).join(', ')} and ${tried.at(-1)} ` +
      `(${walked.failures.map((e) => e.message).join('; ')}). Install it with ` +
      `\`apt-get install ${LAC_DEBIAN_PACKAGE}\`, or point ${LAC_DIR_ENV} at a jieba lac_small folder (the PyPI sdist jieba-0.42.1 has one).`);
  }
  try {
    progress('checking the source files', 1, steps);
    return await prepareConverted(lacModel, source, async () => {
      progress('converting the Paddle tensors to ONNX', 2, steps);
      const artifacts = await (await import('../../artifacts/convert/paddle/lac-convert.js')).convertLacDirectory(source.dir);
      progress('checking the converted model', 3, steps);
      await checkConverted(artifacts);
      return { info: { converted: new Date().toISOString() }, write: (directory) => writeLacFiles(directory, artifacts) };
    }, progress, steps);
  } finally {
    await dispose?.();
  }
}

/** The prepared folder's files (cache-files.ts names them; the inference threads read them). */
async function writeLacFiles(directory: string, artifacts: LacArtifacts): Promise<void> {
  const vocab: LacVocabFile = { oovId: artifacts.oovId, chars: Object.fromEntries(artifacts.vocab), charMap: Object.fromEntries(artifacts.charMap) };
  await writeFile(join(directory, lacFiles.model), artifacts.onnx);
  await writeFile(join(directory, lacFiles.crf), new Uint8Array(artifacts.crf.buffer, artifacts.crf.byteOffset, artifacts.crf.byteLength));
  await writeFile(join(directory, lacFiles.vocab), JSON.stringify(vocab));
  await writeFile(join(directory, lacFiles.tags), JSON.stringify(artifacts.tags));
}

// A converted graph must reproduce a known analysis, or it is not cached.
async function checkConverted(artifacts: LacArtifacts): Promise<void> {
  const { LacRunner } = await import('./lac-runner.js');
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
