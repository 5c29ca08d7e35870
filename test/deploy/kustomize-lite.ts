import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

// Renders this repo's kustomizations without kustomize, for machines that lack kubectl (CI installs only
// npm and Debian packages, and Debian's kubectl is too old for `patches`). It implements exactly the
// features deploy/kubernetes uses, and refuses any other key, so a new feature cannot be silently ignored:
// resources, labels (with includeSelectors), configMapGenerator (files; behavior create/replace),
// images, and patches as JSON 6902 operations on a kind+name target. Where kubectl is present the
// manifest test renders with both and checks they agree. The ConfigMap name suffix is a content hash, as
// in kustomize, but not kustomize's own encoding: compare names with `normalizeHash`.

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: unknown };
// Rendered manifests are free-form trees; the schemas check them afterwards.
type Json = any;

interface Kustomization {
  resources?: string[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean }[];
  configMapGenerator?: { name: string; behavior?: 'create' | 'replace'; files: string[] }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  patches?: { target: { kind: string; name: string }; patch: string }[];
}

const KNOWN = new Set(['apiVersion', 'kind', 'resources', 'labels', 'configMapGenerator', 'images', 'patches']);
const GENERATED = Symbol('generated');

export function renderKustomization(dir: string): K8sObject[] {
  const objects = renderLayer(dir);
  return hashGeneratedNames(objects);
}

function renderLayer(dir: string): K8sObject[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization & Record<string, unknown>;
  for (const key of Object.keys(k)) if (!KNOWN.has(key)) throw new Error(`kustomize-lite: ${dir}: unsupported key ${key}`);
  const objects: K8sObject[] = [];
  for (const entry of k.resources ?? []) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) objects.push(...renderLayer(path));
    else objects.push(...parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as K8sObject).filter(Boolean));
  }
  for (const generator of k.configMapGenerator ?? []) {
    const data = Object.fromEntries(generator.files.map((f) => [basename(f), readFileSync(join(dir, f), 'utf8')]));
    const existing = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === generator.name);
    if (generator.behavior === 'replace') {
      if (!existing) throw new Error(`kustomize-lite: ${dir}: no ConfigMap ${generator.name} to replace`);
      existing.data = data;
    } else {
      const made: K8sObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name }, data };
      Object.defineProperty(made, GENERATED, { value: true });
      objects.push(made);
    }
  }
  for (const { pairs, includeSelectors } of k.labels ?? []) objects.forEach((o) => addLabels(o, pairs, includeSelectors ?? false));
  for (const image of k.images ?? []) objects.forEach((o) => containers(o).forEach((c) => setImage(c, image)));
  for (const { target, patch } of k.patches ?? []) {
    const matches = objects.filter((o) => o.kind === target.kind && o.metadata.name === target.name);
    if (matches.length !== 1) throw new Error(`kustomize-lite: ${dir}: patch target ${target.kind}/${target.name} matched ${matches.length}`);
    for (const op of parse(patch) as { op: string; path: string; value?: unknown }[]) applyOp(matches[0]!, op);
  }
  return objects;
}

function addLabels(o: K8sObject, pairs: Record<string, string>, selectors: boolean): void {
  o.metadata.labels = { ...o.metadata.labels, ...pairs };
  if (!selectors) return;
  const spec = o.spec as Json;
  if (o.kind === 'Service') spec.selector = { ...spec.selector, ...pairs };
  if (o.kind === 'Deployment' || o.kind === 'PodDisruptionBudget') spec.selector.matchLabels = { ...spec.selector.matchLabels, ...pairs };
  if (o.kind === 'Deployment') spec.template.metadata.labels = { ...spec.template.metadata.labels, ...pairs };
}

function containers(o: K8sObject): Json[] {
  return o.kind === 'Deployment' ? ((o.spec as Json).template.spec.containers as Json[]) : [];
}

function setImage(container: Json, image: { name: string; newName?: string; newTag?: string }): void {
  const [name, tag] = splitImage(container.image as string);
  if (name !== image.name) return;
  container.image = `${image.newName ?? name}${image.newTag ?? tag ? `:${image.newTag ?? tag}` : ''}`;
}

function splitImage(image: string): [string, string | undefined] {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? [image.slice(0, colon), image.slice(colon + 1)] : [image, undefined];
}

function applyOp(target: Json, { op, path, value }: { op: string; path: string; value?: unknown }): void {
  const keys = path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop()!;
  let parent = target;
  for (const key of keys) {
    parent = parent[key];
    if (parent === undefined) throw new Error(`kustomize-lite: patch path ${path} does not exist`);
  }
  if (op === 'add' && Array.isArray(parent)) {
    if (last === '-') parent.push(value);
    else parent.splice(Number(last), 0, value);
  } else if (op === 'add' || op === 'replace') {
    if (op === 'replace' && !(last in parent)) throw new Error(`kustomize-lite: replace of missing ${path}`);
    parent[last] = value;
  } else if (op === 'remove') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    throw new Error(`kustomize-lite: unsupported patch op ${op}`);
  }
}

function hashGeneratedNames(objects: K8sObject[]): K8sObject[] {
  const renamed = new Map<string, string>();
  for (const o of objects) {
    if (!(o as Json)[GENERATED]) continue;
    const hash = createHash('sha256').update(JSON.stringify({ name: o.metadata.name, data: o.data })).digest('hex').slice(0, 10);
    renamed.set(o.metadata.name, `${o.metadata.name}-${hash}`);
    o.metadata.name = `${o.metadata.name}-${hash}`;
  }
  for (const o of objects) {
    if (o.kind !== 'Deployment') continue;
    for (const volume of ((o.spec as Json).template.spec.volumes ?? []) as Json[]) {
      if (volume.configMap && renamed.has(volume.configMap.name)) volume.configMap.name = renamed.get(volume.configMap.name);
    }
  }
  return objects;
}

/** "hub-serving-config-49fd6c456c" -> "hub-serving-config-<hash>", in every string of a rendered object tree. */
export function normalizeHash<T>(value: T, names: string[]): T {
  const pattern = new RegExp(`^(${names.join('|')})-[a-z0-9]{10}$`);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(pattern, '$1-<hash>');
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
