import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full collection on demand, in the thread that asks (main or an inference thread): what an idle process
// gives back after a peak has to be garbage first.

let gc: (() => void) | undefined;

/** V8's full collection: the process's own `gc` when started with --expose-gc, else one exposed for this thread. */
export function collectGarbage(): void {
  gc ??= (globalThis as { gc?: () => void }).gc ?? exposeGc();
  gc();
}

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
