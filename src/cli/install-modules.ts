import cliProgress from 'cli-progress';
import type { ResolvedModule } from '../modules/resolve.js';
import type { InstallProgress, InstallResult } from '../modules/types.js';
import { say } from './output.js';

/** A progress bar on a terminal, plain step lines elsewhere (logs, pipes, CI). */
function progressFor(name: string): { progress: InstallProgress; stop: () => void } {
  if (!process.stdout.isTTY) {
    return { progress: (step) => say(`${name}: ${step}`), stop: () => {} };
  }
  const bar = new cliProgress.SingleBar({ format: `${name} [{bar}] {value}/{total} {step}`, hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    progress: (step, done, total) => {
      if (!started) bar.start(total, done, { step });
      started = true;
      bar.update(done, { step });
    },
    stop: () => started && bar.stop(),
  };
}

/** Uses prepared weights where the cache has them, else installs them. */
export async function ensureInstalled(module: ResolvedModule, force = false): Promise<InstallResult> {
  const { definition, initArgs } = module;
  const cached = force ? undefined : await definition.installed(initArgs);
  if (cached) return cached;
  const { progress, stop } = progressFor(definition.manifest.name);
  try {
    return await definition.install(initArgs, progress);
  } finally {
    stop();
  }
}
