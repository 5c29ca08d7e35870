import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import type { InstallProgress } from './progress.js';

// The CLI's view of InstallProgress. On a terminal: a bar, with the size, rate and time left for downloads.
// Elsewhere (logs, pipes, CI): one line per step, never one per chunk.

// The bar is for terminals only: a server started by a supervisor does not load it.
const loadBars = (): typeof CliProgress => createRequire(import.meta.url)('cli-progress') as typeof CliProgress;

/** Totals above this are bytes of a download, not counts of steps. */
const BYTES_ABOVE = 1024;

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

/** Progress of installing `name`, shown on `stream`; `stop` ends the bar. */
export function progressBar(name: string, stream: NodeJS.WriteStream | null): { progress: InstallProgress; stop: () => void } {
  if (stream === null) return { progress: () => {}, stop: () => {} };
  if (!stream.isTTY) {
    let last = '';
    return {
      progress: (step) => {
        if (step !== last) stream.write(`${name}: ${step}\n`);
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
