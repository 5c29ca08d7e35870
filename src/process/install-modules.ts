import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import { paths } from '../hub/home.js';
import type { ResolvedModule } from '../modules/resolve.js';
import type { InstallProgress, InstallResult } from '../modules/types.js';

// Preparing a module's weights, for `hub install`, `hub run` and the start of a server. InstallProgress reports
// steps (done/total of a few steps) or, while a file downloads, bytes (done/total in bytes). On a terminal: a
// bar, with the size, rate and time left for downloads. Elsewhere (logs, pipes, CI): one line per step, never
// one per chunk.

/** Totals above this are bytes of a download, not counts of steps. */
const BYTES_ABOVE = 1024;

// The bar is for terminals only: a server started by a supervisor does not load it.
const loadBars = (): typeof CliProgress => createRequire(import.meta.url)('cli-progress') as typeof CliProgress;

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "12.3 of 144.5 MB, 5.2 MB/s, 25 s left": what a download line says. */
export function describeDownload(received: number, total: number, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? received / elapsedSeconds : 0;
  const left = rate > 0 ? (total - received) / rate : Infinity;
  return `${mb(received)} of ${mb(total)} MB, ${mb(rate)} MB/s, ${received >= total ? 'done' : `${duration(left)} left`}`;
}

function progressFor(name: string, stream: NodeJS.WriteStream | null): { progress: InstallProgress; stop: () => void } {
  if (stream === null) return { progress: () => {}, stop: () => {} };
  const line = (text: string) => stream.write(`${text}\n`);
  if (!stream.isTTY) {
    let last = '';
    return {
      progress: (step) => {
        if (step !== last) line(`${name}: ${step}`);
        last = step;
      },
      stop: () => {},
    };
  }
  const cliProgress = loadBars();
  let bar: CliProgress.SingleBar | undefined;
  let mode: 'steps' | 'bytes' | undefined;
  let downloadStarted = 0;
  const start = (next: 'steps' | 'bytes', total: number, done: number, payload: Record<string, string>) => {
    bar?.stop();
    const format = next === 'bytes' ? `${name} [{bar}] {percentage}% {step}: {detail}` : `${name} [{bar}] {value}/{total} {step}`;
    bar = new cliProgress.SingleBar({ format, hideCursor: true, stream, clearOnComplete: false }, cliProgress.Presets.shades_classic);
    bar.start(total, done, payload);
    mode = next;
  };
  return {
    progress: (step, done, total) => {
      if (total > BYTES_ABOVE) {
        if (mode !== 'bytes') downloadStarted = Date.now();
        const detail = describeDownload(done, total, (Date.now() - downloadStarted) / 1000);
        if (mode !== 'bytes') start('bytes', total, done, { step, detail });
        bar!.setTotal(total);
        bar!.update(done, { step, detail });
        return;
      }
      if (mode !== 'steps') start('steps', total, done, { step });
      bar!.setTotal(total);
      bar!.update(done, { step });
    },
    stop: () => bar?.stop(),
  };
}

/**
 * Uses prepared weights where the cache has them, else installs them. `force` prepares again from the source:
 * the module's folder under HUB_HOME is set aside first (so no cached conversion is reused) and put back if the
 * new preparation fails, so a failed `hub install --force` leaves the old one working. Progress goes to `stream`;
 * null prints none.
 */
export async function ensureInstalled(module: ResolvedModule, force = false, stream: NodeJS.WriteStream | null = process.stdout): Promise<InstallResult> {
  const { definition, initArgs } = module;
  const cached = force ? undefined : await definition.installed(initArgs);
  if (cached) return cached;
  const { progress, stop } = progressFor(definition.manifest.name, stream);
  const folder = paths.module(definition.manifest.name);
  const aside = `${folder}.previous-${process.pid}`;
  const setAside = force && existsSync(folder);
  if (setAside) await rename(folder, aside);
  try {
    const result = await definition.install(initArgs, progress);
    if (setAside) await rm(aside, { recursive: true, force: true });
    return result;
  } catch (error) {
    if (setAside) {
      await rm(folder, { recursive: true, force: true });
      await rename(aside, folder);
    }
    throw error;
  } finally {
    stop();
  }
}
