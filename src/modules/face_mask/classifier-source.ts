import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../../artifacts/home.js';
import { namedSource, type ModelSources } from '../../artifacts/sources.js';
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

/** The classifier's sources, in order: a file or folder in init_args, a pinned URL in init_args, the environment. */
export function classifierSources(module: string): ModelSources {
  return {
    module,
    sources: [
      { kind: 'path', initArgs: ['model_path', 'directory'] },
      { kind: 'named-url', urlArg: 'url', sha256Arg: 'sha256' },
      { kind: 'path', initArgs: [], env: MASK_CLASSIFIER_ENV },
    ],
  };
}

/** Where the classifier is named, or undefined when it is named nowhere. Never downloads. */
export function locateClassifier(module: string, initArgs: Record<string, unknown>): ClassifierLocation | undefined {
  const named = namedSource(classifierSources(module), initArgs);
  if (!named) return undefined;
  if ('path' in named) return { path: fileIn(named.path.path, named.path.label), label: `${named.path.label} ${named.path.path}` };
  const { url, sha256 } = named.url;
  if (!sha256) throw new MissingClassifierError(`${module}: init_args.url needs init_args.sha256, the pinned sha256 of the file`);
  return { path: join(paths.module(module), 'downloads', `${sha256}.onnx`), label: `init_args.url ${url}`, sha256, url };
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
