import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ort } from '../../backends/ort.js';
import { combineSums, sha256File } from '../../artifacts/checksum.js';
import { findPrepared, placePrepared } from '../../artifacts/prepared-cache.js';
import { tfjsModelFiles } from '../../artifacts/tfjs/model-files.js';
import { blazefaceMediapipe } from '../blazeface_mediapipe/index.js';
import type { InstallProgress, InstallResult } from '../types.js';
import { CLASSIFIER_CONTRACT, CLASSIFIER_SIZE } from './classifier-spec.js';
import { locateClassifier, missingClassifierMessage, resolveClassifier } from './classifier-source.js';
import { maskFiles } from './mask-files.js';

// A mask module's prepared folder holds both networks: the converted face detector and the user's classifier,
// copied side by side under HUB_HOME/modules/<module>/<checksum of both>/, so every process and thread loads
// the same files whatever happens to the originals afterwards.

const describe = (face: string, classifier: string) => `face detector ${face}; mask classifier ${classifier}`;

export async function installedMask(module: string, initArgs: Record<string, unknown>): Promise<InstallResult | undefined> {
  const location = locateClassifier(module, initArgs);
  if (!location) return undefined;
  const face = await blazefaceMediapipe.installed({});
  if (!face) return undefined;
  const sha = location.sha256 ?? (existsSync(location.path) ? await sha256File(location.path) : undefined);
  if (!sha) return undefined;
  return findPrepared({ module }, combineSums([face.checksum, sha]), describe(face.source, location.label));
}

export async function installMask(module: string, initArgs: Record<string, unknown>, progress: InstallProgress = () => {}): Promise<InstallResult> {
  // The missing classifier is reported before anything is downloaded.
  const location = locateClassifier(module, initArgs);
  if (!location) throw new Error(missingClassifierMessage(module));
  const steps = 4;
  progress('preparing the face detector', 0, steps);
  const face = (await blazefaceMediapipe.installed({})) ?? (await blazefaceMediapipe.install({}, (step) => progress(`face detector: ${step}`, 0, steps)));
  progress('finding the mask classifier', 1, steps);
  const classifier = await resolveClassifier(module, location, (step) => progress(step, 1, steps));
  const checksum = combineSums([face.checksum, classifier.sha256]);
  const source = describe(face.source, location.label);
  const hit = findPrepared({ module }, checksum, source);
  if (hit) {
    progress('already prepared', steps, steps);
    return hit;
  }
  progress('checking the mask classifier', 2, steps);
  await checkClassifier(module, classifier.path);
  progress('copying the models', 3, steps);
  const info = { source, checksum, classifierSha256: classifier.sha256, prepared: new Date().toISOString() };
  const result = await placePrepared({ module }, info, async (directory) => {
    await copyFile(join(face.directory, tfjsModelFiles.onnx), join(directory, maskFiles.face));
    await copyFile(classifier.path, join(directory, maskFiles.classifier));
  });
  progress('done', steps, steps);
  return result;
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
