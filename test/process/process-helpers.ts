import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDoubler } from '../helpers/double-model.js';

// What the tests of real serving processes wait on: a request held inside the server until the test lets it
// go, the processes a primary has forked, and conditions polled a bounded number of times (never a sleep).

/**
 * A user module that doubles a pair of numbers. Given `hold: "<tag>"`, its preprocess step (on the server's main
 * thread, past every check a stopping server makes) writes started-<tag> in its folder and waits for
 * release-<tag>: a request the test knows to be in flight, for as long as it wants.
 */
const HELD_MODULE = `import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('.', import.meta.url));

export default {
  name: 'held',
  version: '1.0.0',
  summary: 'doubles a pair; with hold, waits until the test releases the request',
  model: 'double.onnx',
  arguments: (z) => ({
    x: { schema: z.array(z.number()).length(2), help: 'a pair of numbers' },
    hold: { schema: z.string().optional(), help: 'a tag: wait for the file release-<tag>' },
  }),
  example: { x: [1, 2] },
  async preprocess(args) {
    if (args.hold) {
      writeFileSync(folder + 'started-' + args.hold, '');
      while (!existsSync(folder + 'release-' + args.hold)) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return [{ x: { data: args.x, shape: [2] } }];
  },
  postprocess: (outputs) => Array.from(outputs.y.data),
};
`;

export interface HeldModule {
  /** The folder to serve: -m <folder>. */
  folder: string;
  /** Resolves once a request with `hold: tag` is inside the server. */
  started(tag: string): Promise<void>;
  release(tag: string): void;
}

export function writeHeldModule(): HeldModule {
  const folder = mkdtempSync(join(tmpdir(), 'held-module-'));
  writeDoubler(folder);
  writeFileSync(join(folder, 'module.mjs'), HELD_MODULE);
  return {
    folder,
    started: async (tag) => {
      await eventually(`request ${tag} inside the server`, () => (existsSync(join(folder, `started-${tag}`)) ? true : undefined));
    },
    release: (tag) => writeFileSync(join(folder, `release-${tag}`), ''),
  };
}

export interface Answer {
  status: number;
  text: string;
}

/** POSTs JSON; the answer, or the error when the connection fails (e.g. the process ended). */
export function postJson(port: number, path: string, body: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' } });
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).once('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.end(JSON.stringify(body));
  });
}

/** Pids of the live processes whose parent is `parent` (from /proc). */
export function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === parent && state !== 'Z') pids.push(Number(name));
  }
  return pids.sort((a, b) => a - b);
}

/** Polls `check` until it returns a value, at most `attempts` times 50 ms apart. */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, attempts = 1200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}
