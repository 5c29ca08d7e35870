import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { sha256File } from '../../artifacts/checksum.js';
import { paths } from '../../artifacts/home.js';
import { tfjsModelFiles } from '../../artifacts/tfjs/model-files.js';
import { blazefaceMediapipe } from '../blazeface_mediapipe/index.js';
import type { InstallProgress, InstallResult } from '../types.js';
import { CLASSIFIER_CONTRACT, CLASSIFIER_SIZE } from './classifier-spec.js';
import { locateClassifier, missingClassifierMessage, resolveClassifier } from './classifier-source.js';
import { maskFiles } from './mask-files.js';

// A mask module's prepared folder holds both networks: the converted face detector and the user's classifier,
// copied side by side under HUB_HOME/modules/<module>/<checksum of both>/, so every process and thread loads
// the same files whatever happens to the originals afterwards.


const cacheDir = (module: string, checksum: string) => join(paths.module(module), checksum.slice(0, 16));
const combined = (face: string, classifier: string) => createHash('sha256').update(`${face}\0${classifier}`).digest('hex');

export async function installedMask(module: string, initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  const location = locateClassifier(module, initArgs);
  if (!location) return undefined;
  const face = await blazefaceMediapipe.installed({});
  if (!face) return undefined;
  const sha = location.sha256 ?? (existsSync(location.path) ? await sha256File(location.path) : undefined);
  if (!sha) return undefined;
  const checksum = combined(face.checksum, sha);
  const directory = cacheDir(module, checksum);
  if (!existsSync(join(directory, maskFiles.info))) return undefined;
  return { source: describe(face.source, location.label), directory, checksum, fresh: false };
}

const describe = (face: string, classifier: string) => `face detector ${face}; mask classifier ${classifier}`;

export async function installMask(module: string, initArgs: Record<string, unknown>, progress: InstallProgress = () => {}): Promise<InstallResult> {
  // The missing classifier is reported before anything is downloaded.
  const location = locateClassifier(module, initArgs);
  if (!location) throw new Error(missingClassifierMessage(module));
  const steps = 4;
  progress('preparing the face detector', 0, steps);
  const face = (await blazefaceMediapipe.installed({})) ?? (await blazefaceMediapipe.install({}, (step) => progress(`face detector: ${step}`, 0, steps)));
  progress('finding the mask classifier', 1, steps);
  const classifier = await resolveClassifier(module, location, (step) => progress(step, 1, steps));
  const checksum = combined(face.checksum, classifier.sha256);
  const directory = cacheDir(module, checksum);
  const source = describe(face.source, location.label);
  if (existsSync(join(directory, maskFiles.info))) {
    progress('already prepared', steps, steps);
    return { source, directory, checksum, fresh: false };
  }
  progress('checking the mask classifier', 2, steps);
  await checkClassifier(module, classifier.path);
  progress('copying the models', 3, steps);
  const temp = `${directory}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  await copyFile(join(face.directory, tfjsModelFiles.onnx), join(temp, maskFiles.face));
  await copyFile(classifier.path, join(temp, maskFiles.classifier));
  await writeFile(join(temp, maskFiles.info), JSON.stringify({ source, checksum, classifierSha256: classifier.sha256, prepared: new Date().toISOString() }, null, 2));
  await rm(directory, { recursive: true, force: true });
  await rename(temp, directory);
  progress('done', steps, steps);
  return { source, directory, checksum, fresh: true };
}

/** The classifier must load, take [N,3,128,128] and give [N,2]; otherwise it is refused with the contract. */
export async function checkClassifier(module: string, path: string): Promise<void> {
  const refuse = (why: string) => new Error(`${module}: the mask classifier ${path} ${why}; it must be ${CLASSIFIER_CONTRACT}`);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1 });
  } catch (error) {
    throw refuse(`is not a model onnxruntime can load (${(error as Error).message.split('\n')[0]})`);
  }
  try {
    if (session.inputNames.length !== 1 || session.outputNames.length < 1) throw refuse(`has ${session.inputNames.length} inputs and ${session.outputNames.length} outputs`);
    const size = CLASSIFIER_SIZE;
    const batch = 2;
    let out: ort.Tensor;
    try {
      const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(batch * 3 * size * size), [batch, 3, size, size]) });
      out = result[session.outputNames[0]!]!;
    } catch (error) {
      throw refuse(`does not run on a [${batch},3,${size},${size}] input (${(error as Error).message.split('\n')[0]})`);
    }
    if (out.dims.join() !== `${batch},2`) throw refuse(`gives an output of shape [${out.dims.join(',')}] for a batch of ${batch}`);
  } finally {
    await session.release();
  }
}
