import { homedir } from 'node:os';
import { join } from 'node:path';

// Everything Hub Serving keeps on disk lives under one folder: HUB_HOME, by default ~/.hub-serving.

export function hubHome(): string {
  const fromEnv = process.env.HUB_HOME;
  return fromEnv && fromEnv.trim() ? fromEnv : join(homedir(), '.hub-serving');
}

export const paths = {
  conf: () => join(hubHome(), 'conf'),
  pidFile: (port: number) => join(hubHome(), 'conf', `serving_${port}.json`),
  modules: () => join(hubHome(), 'modules'),
  module: (name: string) => join(hubHome(), 'modules', name),
  tmp: () => join(hubHome(), 'tmp'),
  /** A private copy of apt's package lists, for a user who may not update the machine's (artifacts/debian.ts). */
  apt: () => join(hubHome(), 'apt'),
};
