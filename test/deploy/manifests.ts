import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { normalizeHash, renderKustomization, type K8sObject } from './kustomize-lite.js';

// Where the deploy manifests are, and how they are rendered: with kubectl's kustomize where it is installed
// (checked against our own renderer), else with our own renderer alone, saying so.

export const DEPLOY_DIR = fileURLToPath(new URL('../../../deploy/', import.meta.url));
export const KUBERNETES_DIR = join(DEPLOY_DIR, 'kubernetes');

/** The base and every overlay, as paths relative to deploy/kubernetes. */
export function kustomizations(): string[] {
  const overlays = readdirSync(join(KUBERNETES_DIR, 'overlays'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `overlays/${d.name}`);
  return ['base', ...overlays.sort()];
}

/** `kubectl kustomize DIR`, or undefined when kubectl is not installed. */
export function renderWithKubectl(dir: string): K8sObject[] | undefined {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr || result.error?.message}`);
  return parseAllDocuments(result.stdout).map((d) => d.toJS() as K8sObject);
}

export interface Rendered {
  objects: K8sObject[];
  /** How it was rendered, for messages. */
  by: 'kubectl' | 'kustomize-lite';
}

/** Renders a kustomization; kubectl's output is preferred where kubectl exists. */
export function render(relative: string): Rendered {
  const dir = join(KUBERNETES_DIR, relative);
  const viaKubectl = renderWithKubectl(dir);
  return viaKubectl ? { objects: viaKubectl, by: 'kubectl' } : { objects: renderKustomization(dir), by: 'kustomize-lite' };
}

/** Objects keyed by kind/name, generated names normalized: two renderings compare equal when they agree. */
export function comparable(objects: K8sObject[]): Record<string, unknown> {
  const normalized = normalizeHash(objects, ['hub-serving-config']);
  return Object.fromEntries(normalized.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
}

export function find(objects: K8sObject[], kind: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0]!;
}
