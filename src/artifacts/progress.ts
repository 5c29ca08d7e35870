import type { DownloadProgress } from './url-source.js';

// How an install reports what it is doing: a few steps (done of total), or, while a file downloads, bytes
// (received of total). The CLI draws it (progress-bar.ts); every installer feeds it the same way.

export interface InstallProgress {
  (step: string, done: number, total: number): void;
}

/** Feeds a download's bytes to `progress` as one step; `expected` stands in when the server announces no size. */
export function downloadSteps(progress: InstallProgress, step: string, expected?: number): DownloadProgress {
  return (received, total) => progress(step, received, total ?? expected ?? received);
}
