import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { resolve } from 'node:path';
import { writeFileWith } from './atomic.js';
import { normaliseSha256, sha256File } from './checksum.js';
import { fsErrorWords } from './fs-errors.js';

// Install sources for weights that no reachable package holds: a URL with a pinned sha256, or a local path
// the user names (init_args or an environment variable). A download reaches its final name only after its
// sum matched, by one rename inside the target folder, so a crash never leaves a half file in place.

/** Default download limit: far above any model we serve, low enough to stop a runaway response. */
export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const MAX_REDIRECTS = 5;

/** Bytes received so far, and the total when the server announced one. */
export type DownloadProgress = (received: number, total: number | undefined) => void;

export interface FetchVerifiedOptions {
  maxBytes?: number;
  /** Abort when no data arrives for this long (a total timeout would fail big files on slow links). */
  idleTimeoutMs?: number;
  /** How to supply the file by hand instead, for errors, e.g. "put it in a folder named by init_args.directory". */
  localHint?: string;
}

export interface FetchedFile {
  path: string;
  sha256: string;
  bytes: number;
  url: string;
}

export interface LocalSource {
  path: string;
  kind: 'file' | 'directory';
  /** Files only. */
  bytes?: number;
  /** Files only: the sum of the contents (checked against the pinned one when given). */
  sha256?: string;
}

/** A source failed in a way the user can act on; the message says what happened and what to do. */
export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

const DEFAULT_HINT = 'download the file another way and give its local path instead';

const isHttp = (url: URL) => url.protocol === 'http:' || url.protocol === 'https:';

function openUrl(url: URL, signal: AbortSignal, redirects = 0): Promise<IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    // identity: the sum pins the bytes of the file, not of some compressed transfer of it.
    const request = get(url, { signal, headers: { 'user-agent': 'hub-serving', 'accept-encoding': 'identity' } }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status < 300 || status >= 400 || !location) {
        resolvePromise(response);
        return;
      }
      response.resume();
      if (redirects >= MAX_REDIRECTS) {
        reject(new SourceError(`more than ${MAX_REDIRECTS} redirects`));
        return;
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        reject(new SourceError(`a redirect to ${JSON.stringify(location)}, which is not a URL`));
        return;
      }
      if (!isHttp(next)) {
        reject(new SourceError(`a redirect to ${next.protocol} (only http and https are followed)`));
        return;
      }
      openUrl(next, signal, redirects + 1).then(resolvePromise, reject);
    });
    request.on('error', reject);
  });
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'the host name cannot be looked up (offline?)',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'no route to the host (offline?)',
  ENETUNREACH: 'the network is unreachable (offline?)',
};

function networkReason(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return (signal.reason as Error)?.message ?? 'aborted';
  if (error instanceof SourceError) return error.message;
  const code = (error as NodeJS.ErrnoException)?.code;
  return (code && NETWORK_REASONS[code]) ?? (error as Error)?.message ?? String(error);
}

/** Marks an error as coming from the local disk, so it is not reported as a network failure. */
class DiskError extends Error {}

function onDisk<T>(work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    throw new DiskError((error as Error)?.message ?? String(error));
  });
}

/**
 * Downloads `url` to `dest` over http(s), following up to 5 redirects. The file is written beside `dest`
 * under a temporary name while its sha256 is computed, and renamed to `dest` only when the sum equals
 * `sha256`; on any failure nothing is left behind. Refuses more than `maxBytes`, by the announced length
 * before reading and by counting while reading.
 */
export async function fetchVerified(
  url: string,
  sha256: string,
  dest: string,
  progress: DownloadProgress = () => {},
  options: FetchVerifiedOptions = {},
): Promise<FetchedFile> {
  return fetchFile(url, normaliseSha256(sha256, `the pinned sha256 of ${url}`), dest, progress, options);
}

/**
 * As fetchVerified, for a caller that checks the file itself afterwards (an npm tarball's sha512 integrity):
 * the same limits, redirects, temporary name and clean-up, without a pinned sha256.
 */
export async function fetchUnpinned(
  url: string,
  dest: string,
  progress: DownloadProgress = () => {},
  options: FetchVerifiedOptions = {},
): Promise<FetchedFile> {
  return fetchFile(url, undefined, dest, progress, options);
}

async function fetchFile(
  url: string,
  expected: string | undefined,
  dest: string,
  progress: DownloadProgress,
  options: FetchVerifiedOptions,
): Promise<FetchedFile> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const hint = options.localHint ?? DEFAULT_HINT;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new SourceError(`${JSON.stringify(url)} is not a URL`);
  }
  if (!isHttp(target)) throw new SourceError(`cannot download ${url}: only http and https URLs are supported; ${hint}`);
  const unreachable = (why: string) => new SourceError(`cannot download ${url}: ${why}; ${hint}`);

  const finalPath = resolve(dest);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data arrived for ${idleMs / 1000} s`)), idleMs);
  };
  arm();

  let response: IncomingMessage | undefined;
  try {
    try {
      response = await openUrl(target, controller.signal);
    } catch (error) {
      throw unreachable(networkReason(error, controller.signal));
    }
    const status = response.statusCode ?? 0;
    if (status !== 200) throw unreachable(`HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`);
    const header = response.headers['content-length'];
    const total = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
    if (total !== undefined && total > maxBytes) {
      throw new SourceError(`cannot download ${url}: it is ${total} bytes, more than the limit of ${maxBytes} bytes; nothing was saved`);
    }
    const body = response;
    let received = 0;
    let actual = '';
    // The file reaches its name only when its sum matched; any error below leaves nothing behind.
    await writeFileWith(finalPath, async (file) => {
      const hash = createHash('sha256');
      progress(0, total);
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          arm();
          received += chunk.length;
          if (received > maxBytes) {
            throw new SourceError(`cannot download ${url}: it sent more than the limit of ${maxBytes} bytes; the download was stopped and nothing was saved`);
          }
          hash.update(chunk);
          await onDisk(file.write(chunk));
          progress(received, total);
        }
      } catch (error) {
        if (error instanceof SourceError || error instanceof DiskError) throw error;
        throw unreachable(networkReason(error, controller.signal));
      }
      if (total !== undefined && received !== total) throw unreachable(`the connection ended after ${received} of ${total} bytes`);
      actual = hash.digest('hex');
      if (expected !== undefined && actual !== expected) {
        throw new SourceError(`checksum mismatch for ${url}: expected sha256 ${expected}, got ${actual}; the download was discarded`);
      }
    }, { tag: 'part' });
    return { path: finalPath, sha256: actual, bytes: received, url };
  } catch (error) {
    response?.destroy();
    if (error instanceof SourceError) throw error;
    // Whatever else failed was the local disk (creating the folder or the file, writing, renaming).
    throw new SourceError(`cannot save ${url} as ${finalPath}: ${(error as Error)?.message ?? String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A file or folder the user named. `what` says where the name came from (e.g. "init_args.directory" or
 * "HUB_SENTA_DIR") so errors point at the setting to fix. A file's sum is computed, and must equal
 * `sha256` when one is pinned; a folder cannot be pinned (its files can).
 */
export async function fromLocalPath(path: string, sha256?: string, what = 'the path'): Promise<LocalSource> {
  const full = resolve(path);
  let info;
  try {
    info = await stat(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new SourceError(`${what} ${path} does not exist`);
    throw new SourceError(`${what} ${path} cannot be read: ${fsErrorWords(error)}`);
  }
  if (info.isDirectory()) {
    if (sha256 !== undefined) throw new SourceError(`${what} ${path} is a folder; a sha256 pins a single file`);
    return { path: full, kind: 'directory' };
  }
  if (!info.isFile()) throw new SourceError(`${what} ${path} is neither a file nor a folder`);
  let actual: string;
  try {
    actual = await sha256File(full);
  } catch (error) {
    throw new SourceError(`${what} ${path} cannot be read: ${fsErrorWords(error)}`);
  }
  if (sha256 !== undefined) {
    const expected = normaliseSha256(sha256, `the pinned sha256 of ${path}`);
    if (actual !== expected) throw new SourceError(`checksum mismatch for ${what} ${path}: expected sha256 ${expected}, got ${actual}`);
  }
  return { path: full, kind: 'file', bytes: info.size, sha256: actual };
}
