import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../../artifacts/home.js';
import { fetchVerified, fromLocalPath, SourceError } from '../../artifacts/url-source.js';
import { CLASSIFIER_CONTRACT, CLASSIFIER_FILE, CLASSIFIER_WHERE, MASK_CLASSIFIER_ENV } from './classifier-spec.js';

// Where the mask classifier comes from: init_args (model_path, directory, url + sha256), else the environment.

export interface ClassifierLocation {
  /** The .onnx file, or (for a URL not yet downloaded) where it will be saved. */
  path: string;
  label: string;
  /** Known without reading the file for a URL source (pinned); else computed by `resolveClassifier`. */
  sha256?: string;
  url?: string;
}

export class MissingClassifierError extends Error {}

function fileIn(path: string, label: string): string {
  try {
    if (statSync(path).isDirectory()) {
      const file = join(path, CLASSIFIER_FILE);
      if (!existsSync(file)) throw new MissingClassifierError(`${label} ${path} holds no ${CLASSIFIER_FILE}`);
      return file;
    }
  } catch (error) {
    if (error instanceof MissingClassifierError) throw error;
    throw new MissingClassifierError(`${label} ${path} does not exist`);
  }
  return path;
}

/** Where the classifier is named, or undefined when it is named nowhere. Never downloads. */
export function locateClassifier(module: string, initArgs: Record<string, unknown>): ClassifierLocation | undefined {
  const str = (key: string) => (typeof initArgs[key] === 'string' && initArgs[key] !== '' ? (initArgs[key] as string) : undefined);
  const modelPath = str('model_path');
  if (modelPath) return { path: fileIn(modelPath, 'init_args.model_path'), label: `init_args.model_path ${modelPath}` };
  const directory = str('directory');
  if (directory) return { path: fileIn(directory, 'init_args.directory'), label: `init_args.directory ${directory}` };
  const url = str('url');
  if (url) {
    const sha256 = str('sha256');
    if (!sha256) throw new MissingClassifierError(`${module}: init_args.url needs init_args.sha256, the pinned sha256 of the file`);
    return { path: join(paths.module(module), 'downloads', `${sha256.toLowerCase()}.onnx`), label: `init_args.url ${url}`, sha256: sha256.toLowerCase(), url };
  }
  const fromEnv = process.env[MASK_CLASSIFIER_ENV];
  if (fromEnv && fromEnv.trim()) return { path: fileIn(fromEnv, MASK_CLASSIFIER_ENV), label: `${MASK_CLASSIFIER_ENV} ${fromEnv}` };
  return undefined;
}

export function missingClassifierMessage(module: string): string {
  return `${module}: no mask classifier weights. No package ships a face-mask classifier, so name one: ${CLASSIFIER_WHERE}. ` +
    `It must be ${CLASSIFIER_CONTRACT}.`;
}

/** The classifier file on disk with its sha256, downloading it first for a URL source. */
export async function resolveClassifier(module: string, location: ClassifierLocation, progress: (step: string) => void = () => {}): Promise<{ path: string; sha256: string }> {
  try {
    if (location.url && !existsSync(location.path)) {
      progress(`downloading the mask classifier from ${location.url}`);
      const fetched = await fetchVerified(location.url, location.sha256!, location.path, undefined, {
        localHint: `or give the file with init_args.model_path or ${MASK_CLASSIFIER_ENV}`,
      });
      return { path: fetched.path, sha256: fetched.sha256 };
    }
    const local = await fromLocalPath(location.path, location.sha256, location.label);
    return { path: local.path, sha256: local.sha256! };
  } catch (error) {
    if (error instanceof SourceError) throw new MissingClassifierError(`${module}: ${error.message}`);
    throw error;
  }
}
