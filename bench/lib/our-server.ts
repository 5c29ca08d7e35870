// Our CLI as a server under test: `hub serving start` with the bench's arguments, on loopback, ready when it
// says so. Converted weights are kept in HUB_HOME (a folder in the temp dir by default) between runs.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../docs.js';
import { startServer, type RunningServer } from './servers.js';

export const benchHubHome = () => process.env.HUB_HOME ?? join(tmpdir(), 'hub-serving-bench');

export function startOurServer(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  return startServer({
    name,
    command: process.execPath,
    args: [join(repoRoot, 'bin', 'hub.js'), ...args],
    cwd: repoRoot,
    env: { ...process.env, HUB_HOME: benchHubHome(), ...env },
    readyLine: /Hub Serving is ready/,
    readyTimeoutMs: 180_000, // the first start converts the weights
  });
}

/** The layout line the server printed at start ("1 process x 2 inference threads ..."). */
export function layoutLine(server: RunningServer): string | undefined {
  return server.stdout().split('\n').find((l) => /process(es)? x \d+ inference thread/.test(l))?.trim();
}
