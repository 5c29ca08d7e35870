import { readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sha256File } from '../../artifacts/checksum.js';
import { paths } from '../../artifacts/home.js';
import { writeJsonAtomic } from '../../artifacts/atomic.js';
import { downloadSteps, type InstallProgress } from '../../artifacts/progress.js';
import { readRecord } from '../../artifacts/record.js';
import { namedSource, type ModelSources, type NamedPath, type UrlSource } from '../../artifacts/sources.js';
import { fetchVerified } from '../../artifacts/url-source.js';

// Where a module's one ONNX file comes from: a path the user names (init_args.model_path, init_args.directory,
// or an environment variable), else an earlier download, else a download pinned by sha256. Weight files run
// to hundreds of megabytes, so a file's sum is computed once and remembered with its size and mtime.

export interface PinnedDownload {
  url: string;
  sha256: string;
  bytes: number;
  /** The file in words, e.g. "the ONNX model zoo's vgg16-7.onnx". */
  label: string;
  /** Environment variable that replaces the URL with a mirror serving the same bytes (the sum still holds). */
  urlEnv: string;
}

export interface OnnxModelSpec {
  module: string;
  /** Looked for in a named folder, and the name a download is saved as. */
  fileName: string;
  /** Environment variable naming the file (or a folder holding it). */
  pathEnv: string;
  download: PinnedDownload;
  /** What the model must be, in words, for messages: inputs, outputs, what it was trained on. */
  wants: string;
}

export interface ModelFile {
  path: string;
  /** Where it came from, for the start line. */
  label: string;
}

/** How to supply the weights, for every message about missing or wrong ones. */
export function supplyHint(spec: OnnxModelSpec): string {
  return `name the file by init_args.model_path (or a folder holding ${spec.fileName} by init_args.directory) or by ${spec.pathEnv}`;
}

export function noWeightsMessage(spec: OnnxModelSpec, why?: string): string {
  const d = spec.download;
  return `${spec.module}: no weights. Supply ${spec.wants}, e.g. ${d.label} (${d.bytes} bytes, sha256 ${d.sha256}): ` +
    `${supplyHint(spec)}${why ? `. ${why}` : ''}`;
}

/** The model file's sources, in order: a path the user names, then the pinned download (or a mirror of it). */
export function visionSources(spec: OnnxModelSpec, download: PinnedDownload = spec.download): ModelSources {
  return {
    module: spec.module,
    sources: [
      { kind: 'path', initArgs: ['model_path', 'directory'], env: spec.pathEnv },
      {
        kind: 'url', label: download.label, mirrorEnv: download.urlEnv,
        files: [{ name: spec.fileName, url: download.url, sha256: download.sha256, bytes: download.bytes }],
      },
    ],
  };
}

/**
 * The model file the user named, or undefined when none is named. A name that leads to no usable file is an
 * error rather than a reason to fall back to a download: the user meant that file.
 */
export function namedModelFile(spec: OnnxModelSpec, initArgs: Record<string, unknown>): ModelFile | undefined {
  const named = namedSource(visionSources(spec), initArgs);
  return named && 'path' in named ? modelFileAt(spec, named.path) : undefined;
}

/** The model file at a named path: the file itself, or the one in a named folder. */
export function modelFileAt(spec: OnnxModelSpec, named: NamedPath): ModelFile {
  const path = resolve(named.path.trim());
  const where = `${named.label} ${path}`;
  const fail = (problem: string) => new Error(`${spec.module}: ${where} ${problem}; ${supplyHint(spec)}`);
  let info;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`);
  }
  if (info.isFile()) return { path, label: where };
  if (!info.isDirectory()) throw fail('is neither a file nor a folder');
  const preferred = join(path, spec.fileName);
  if (statSync(preferred, { throwIfNoEntry: false })?.isFile()) return { path: preferred, label: `${named.label} ${preferred}` };
  const onnx = readdirSync(path).filter((f) => f.toLowerCase().endsWith('.onnx')).sort();
  if (onnx.length === 1) {
    const only = join(path, onnx[0]!);
    return { path: only, label: `${named.label} ${only}` };
  }
  if (onnx.length === 0) throw fail(`holds no ${spec.fileName} and no other .onnx file`);
  throw fail(`holds no ${spec.fileName} but several .onnx files (${onnx.join(', ')}): name one by init_args.model_path`);
}

interface HashRecord {
  bytes: number;
  mtimeMs: number;
  sha256: string;
}

const hashRecordFile = (spec: OnnxModelSpec) => join(paths.module(spec.module), 'file-sums.json');

async function readHashRecords(spec: OnnxModelSpec): Promise<Record<string, HashRecord>> {
  return (await readRecord<Record<string, HashRecord>>(hashRecordFile(spec))) ?? {};
}

/** The file's sum when it was computed before and the file has not changed since (same size and mtime). */
export async function recordedSha256(spec: OnnxModelSpec, path: string): Promise<string | undefined> {
  const record = (await readHashRecords(spec))[path];
  if (!record) return undefined;
  const info = await stat(path).catch(() => undefined);
  return info && info.size === record.bytes && info.mtimeMs === record.mtimeMs ? record.sha256 : undefined;
}

async function remember(spec: OnnxModelSpec, path: string, sha256: string): Promise<void> {
  const info = await stat(path);
  const records = await readHashRecords(spec);
  records[path] = { bytes: info.size, mtimeMs: info.mtimeMs, sha256 };
  await writeJsonAtomic(hashRecordFile(spec), records);
}

/** The file's sum, computed (and remembered) unless a remembered one still holds. */
export async function modelSha256(spec: OnnxModelSpec, path: string): Promise<string> {
  const known = await recordedSha256(spec, path);
  if (known) return known;
  const sum = await sha256File(path);
  await remember(spec, path, sum);
  return sum;
}

const downloadPath = (spec: OnnxModelSpec) => join(paths.module(spec.module), 'download', spec.fileName);

/** The URL to fetch from: the mirror the environment names, else the pinned one. */
function downloadUrl(source: UrlSource): string {
  const mirror = source.mirrorEnv ? process.env[source.mirrorEnv]?.trim() : undefined;
  return mirror || source.files[0]!.url;
}

/** A file downloaded earlier, if it is still there unchanged. */
export async function downloadedModelFile(spec: OnnxModelSpec, source: UrlSource): Promise<ModelFile | undefined> {
  const path = downloadPath(spec);
  return (await recordedSha256(spec, path)) === source.files[0]!.sha256 ? { path, label: `${source.label} (downloaded, sha256 verified)` } : undefined;
}

/** Downloads the pinned file; the error says what to supply instead. */
export async function downloadModelFile(spec: OnnxModelSpec, source: UrlSource, progress: InstallProgress): Promise<ModelFile> {
  const file = source.files[0]!;
  const bytes = file.bytes ?? 0;
  const url = downloadUrl(source);
  const step = `downloading ${source.label} (${Math.round(bytes / 1e6)} MB) from ${url}`;
  progress(step, 0, bytes);
  let fetched;
  try {
    fetched = await fetchVerified(url, file.sha256, downloadPath(spec), downloadSteps(progress, step, bytes), {
      maxBytes: Math.ceil(bytes * 1.01) + 1024,
      // The message around it already says how to name a file; the hint only adds the way out.
      localHint: 'download it by other means',
    });
  } catch (error) {
    throw new Error(noWeightsMessage(spec, `Downloading it failed: ${(error as Error).message}`));
  }
  await remember(spec, fetched.path, fetched.sha256);
  return { path: fetched.path, label: `${source.label} (downloaded from ${url}, sha256 verified)` };
}
