// Servers under test as child processes, each the leader of its own process group so that stopping it also
// reaches what it forked (cluster workers, gunicorn workers). Every started group is killed on the way out,
// whatever happens: the caller's finally stops it, and an exit hook SIGKILLs anything still registered.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ServerSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Ready when stdout has a line matching this; otherwise when `probe` answers true. */
  readyLine?: RegExp;
  probe?: () => Promise<boolean>;
  readyTimeoutMs: number;
}

const live = new Set<number>(); // process group ids not yet reaped

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nothing left in the group
  }
}

process.on('exit', () => {
  for (const pgid of live) killGroup(pgid, 'SIGKILL');
});
// Ctrl+C on the bench: give each server its graceful SIGTERM, 2 s at most, then the exit hook kills the rest.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const pgid of live) {
      try {
        process.kill(pgid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    setTimeout(() => process.exit(130), 2000);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the end of a stream: enough to explain a failure, bounded however chatty the server is. */
function tail(limit: number): { push(chunk: Buffer): void; text(): string } {
  let text = '';
  return {
    push(chunk) {
      text = (text + chunk.toString('utf8')).slice(-limit);
    },
    text: () => text,
  };
}

/** How a stop went: a server that handles SIGTERM well exits with code 0 within the grace period. */
export interface StopReport {
  /** 'code N' or the signal that ended the leader, e.g. 'SIGABRT'; 'still running' if even SIGKILL did not end it. */
  exit: string;
  ms: number;
  /** The grace period ran out and the group was SIGKILLed. */
  killed: boolean;
}

export class RunningServer {
  private exited: Promise<void>;
  private hasExited = false;
  private exitText = 'still running';

  constructor(readonly name: string, private readonly child: ChildProcess, readonly stdout: () => string, readonly stderr: () => string) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.hasExited = true;
      this.exitText = signal ?? `code ${code}`;
      resolve();
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return !this.hasExited;
  }

  /** SIGTERM to the leader (its graceful path), then SIGKILL to the whole group for anything left. */
  async stop(graceMs = 15000): Promise<StopReport> {
    const start = Date.now();
    if (!this.hasExited) {
      try {
        process.kill(this.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([this.exited, sleep(graceMs)]);
    }
    const killed = !this.hasExited;
    killGroup(this.pid, 'SIGKILL');
    await Promise.race([this.exited, sleep(2000)]);
    live.delete(this.pid);
    return { exit: this.exitText, ms: Date.now() - start, killed };
  }
}

/** Starts the server and resolves once it is ready; on any failure it is stopped and the error explains why. */
export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = tail(16384);
  const err = tail(4096);
  // Reading both pipes always matters: a full pipe would block the server mid-benchmark.
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  if (child.pid === undefined) throw new Error(`${spec.name}: cannot start ${spec.command}: ${(await spawnError).message}`);
  live.add(child.pid);
  const server = new RunningServer(spec.name, child, out.text, err.text);

  const deadline = Date.now() + spec.readyTimeoutMs;
  try {
    for (;;) {
      if (!server.running) throw new Error(`${spec.name} exited before it was ready`);
      if (spec.readyLine?.test(out.text())) return server;
      if (spec.probe && (await spec.probe())) return server;
      if (Date.now() > deadline) throw new Error(`${spec.name} was not ready after ${spec.readyTimeoutMs / 1000} s`);
      await sleep(200);
    }
  } catch (error) {
    await server.stop(3000);
    const stderr = err.text().trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${(error as Error).message}${stderr ? ` (stderr: ${stderr})` : ''}`);
  }
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
export { freeLoopbackPort as freePort } from '../../src/process/port.js';

/** The absolute path of an executable on PATH, or undefined. */
export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
