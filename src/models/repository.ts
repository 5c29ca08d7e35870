import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { hubError } from '../errors/catalogue.js';
import type { ModuleContext } from '../modules/types.js';
import type { InferencePool } from '../scheduler/pool.js';
import type { V2Model } from '../server/v2/routes.js';
import { OnnxFileModel } from './onnx-file.js';

// The model repository behind the protocol's repository extension: ONNX files under the folders the server was
// started with (<folder>/<name>.onnx or <folder>/<name>/model.onnx), loaded and unloaded at a client's request.
// Loading files at a client's request is running code it chose, so it is off unless the operator turns it on,
// and a name can only reach files inside those folders (no separators, no dot-dot, links resolved and checked).

export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface RepositoryEntry {
  name: string;
  state: 'READY' | 'UNAVAILABLE';
  reason?: string;
}

export class ModelRepository {
  /** Loads and unloads in progress, so two of them for one name never interleave. */
  private readonly busy = new Map<string, Promise<void>>();
  /** The ONNX files it holds, by name; built-in modules are served beside them but are not its to unload. */
  private readonly files = new Map<string, OnnxFileModel>();

  constructor(
    private readonly folders: string[],
    private readonly models: Map<string, V2Model>,
    private readonly pool: InferencePool,
    private readonly context: Pick<ModuleContext, 'schedule' | 'observe'>,
  ) {}

  /** The file a name stands for, inside one of the folders, or undefined. */
  async find(name: string): Promise<string | undefined> {
    if (!MODEL_NAME.test(name) || name.includes('..')) return undefined;
    for (const folder of this.folders) {
      for (const candidate of [join(folder, `${name}.onnx`), join(folder, name, 'model.onnx')]) {
        try {
          const real = await realpath(candidate);
          const root = await realpath(folder);
          const inside = relative(root, real);
          if (inside.startsWith('..') || inside.startsWith(sep) || inside === '') continue;
          if ((await stat(real)).isFile()) return real;
        } catch {
          // not there; try the next candidate
        }
      }
    }
    return undefined;
  }

  async index(): Promise<RepositoryEntry[]> {
    const names = new Set<string>();
    for (const folder of this.folders) {
      for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
        const name = entry.isFile() && entry.name.endsWith('.onnx') ? entry.name.slice(0, -5) : entry.isDirectory() ? entry.name : undefined;
        if (name && MODEL_NAME.test(name) && (await this.find(name))) names.add(name);
      }
    }
    for (const name of this.models.keys()) names.add(name);
    return [...names].sort().map((name) => (this.models.has(name) ? { name, state: 'READY' } : { name, state: 'UNAVAILABLE', reason: 'not loaded' }));
  }

  async load(name: string): Promise<void> {
    return this.exclusive(name, async () => {
      if (this.files.has(name)) return; // loading a loaded model is a no-op, as the protocol has it
      if (this.models.has(name)) throw hubError('BUILT_IN_MODULE', name);
      const path = await this.find(name);
      if (!path) throw hubError('NOT_IN_REPOSITORY', name);
      let model: OnnxFileModel;
      try {
        model = await OnnxFileModel.load(name, path, this.pool, this.context);
      } catch (error) {
        throw hubError('MODEL_LOAD_FAILED', name, (error as Error).message.split('\n')[0]!);
      }
      this.adopt(model);
    });
  }

  /** A model loaded at start (-m ./file.onnx) becomes the repository's, to unload like any other. */
  adopt(model: OnnxFileModel): void {
    this.files.set(model.name, model);
    this.models.set(model.name, model.asV2());
  }

  async unload(name: string): Promise<void> {
    return this.exclusive(name, async () => {
      const model = this.files.get(name);
      if (!model) {
        if (this.models.has(name)) throw hubError('BUILT_IN_MODULE', name);
        throw hubError('MODEL_NOT_LOADED', name);
      }
      // Requests in flight finish (503 for new ones while it drains); then it is gone (404).
      await model.close();
      this.files.delete(name);
      this.models.delete(name);
    });
  }

  /** Unloads everything it holds, at shutdown. */
  async close(): Promise<void> {
    for (const name of [...this.files.keys()]) await this.unload(name).catch(() => undefined);
  }

  private async exclusive(name: string, work: () => Promise<void>): Promise<void> {
    while (this.busy.has(name)) await this.busy.get(name)!.catch(() => undefined);
    const running = work();
    this.busy.set(name, running);
    try {
      await running;
    } finally {
      this.busy.delete(name);
    }
  }
}
