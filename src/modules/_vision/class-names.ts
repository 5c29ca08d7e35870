import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../artifacts/atomic.js';
import { fetchDebianPackage } from '../../artifacts/debian.js';
import { paths } from '../../artifacts/home.js';
import type { InstallProgress } from '../../artifacts/progress.js';
import { readRecord } from '../../artifacts/record.js';

// Class names, by class index. A user's label file (PaddleHub's label_file.txt format) wins; ImageNet's 1000
// names otherwise come from Debian's darknet package, whose lists hold the ILSVRC-2012 synsets first.

export interface ClassNames {
  names: string[];
  /** Where they came from, in words. */
  from: string;
  /** Identifies the list, so a prepared model is prepared again when its names change. */
  digest: string;
}

export const DARKNET_PACKAGE = 'darknet';
export const DARKNET_DATA_DIR = '/usr/share/darknet/data';
const WNID_FILE = 'imagenet.labels.list';
const NAME_FILE = 'imagenet.shortnames.list';
const DEB_DATA_SUBDIR = join('usr', 'share', 'darknet', 'data');

/** ILSVRC-2012 has 1000 classes; sorted by WordNet id they are the class indices every ImageNet model uses. */
export const IMAGENET_CLASSES = 1000;
const FIRST_WNID = 'n01440764';
const LAST_WNID = 'n15075141';

const digestOf = (names: readonly string[]) => createHash('sha256').update(names.join('\n')).digest('hex');

/** Text lines without the empty ones a file ends with. */
function lines(text: string): string[] {
  const all = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (all.length > 0 && all[all.length - 1]!.trim() === '') all.pop();
  return all;
}

/**
 * A label file as PaddleHub's modules read it: one class a line, in class-index order. Lines may start with a
 * WordNet id ("n01440764 tench, Tinca tinca", Caffe's synset_words.txt); the name is the first synonym, which
 * is what PaddleHub's classifiers report (label.split(',')[0]).
 */
export function parseLabelFile(text: string, what: string): string[] {
  const names = lines(text).map((line, i) => {
    const name = line.trim().replace(/^n\d{8}\s+/, '').split(',')[0]!.trim();
    if (!name) throw new Error(`${what}: line ${i + 1} names no class`);
    return name;
  });
  if (names.length === 0) throw new Error(`${what} names no class`);
  return names;
}

/**
 * The 1000 ImageNet names from darknet's two parallel lists (WordNet ids and short names, 21,842 lines each):
 * the first 1000 lines are the ILSVRC-2012 classes in darknet's own order, so they are re-sorted by id.
 * Checked against the known first and last ids, so a changed package fails loudly instead of mislabelling.
 */
export function imagenetNamesFromDarknet(wnidText: string, nameText: string): string[] {
  const wnids = lines(wnidText).slice(0, IMAGENET_CLASSES).map((l) => l.trim());
  const names = lines(nameText).slice(0, IMAGENET_CLASSES).map((l) => l.trim());
  const problem = (why: string) => new Error(`darknet's ImageNet lists are not as expected: ${why}`);
  if (wnids.length < IMAGENET_CLASSES || names.length < IMAGENET_CLASSES) throw problem(`fewer than ${IMAGENET_CLASSES} lines`);
  if (!wnids.every((w) => /^n\d{8}$/.test(w))) throw problem(`${WNID_FILE} holds something other than WordNet ids`);
  if (names.some((n) => n === '')) throw problem(`${NAME_FILE} has an empty name among its first ${IMAGENET_CLASSES}`);
  const order = wnids.map((_, i) => i).sort((a, b) => (wnids[a]! < wnids[b]! ? -1 : wnids[a]! > wnids[b]! ? 1 : 0));
  const sorted = order.map((i) => wnids[i]!);
  if (new Set(sorted).size !== IMAGENET_CLASSES) throw problem('repeated WordNet ids');
  if (sorted[0] !== FIRST_WNID || sorted[IMAGENET_CLASSES - 1] !== LAST_WNID) throw problem('not the ILSVRC-2012 classes');
  return order.map((i) => names[i]!);
}

export async function labelFileNames(path: string, what = `init_args.label_file ${path}`): Promise<ClassNames> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${what} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const names = parseLabelFile(text, what);
  return { names, from: what, digest: digestOf(names) };
}

async function fromDarknetDir(dir: string, from: string): Promise<ClassNames | undefined> {
  if (!existsSync(join(dir, WNID_FILE)) || !existsSync(join(dir, NAME_FILE))) return undefined;
  const names = imagenetNamesFromDarknet(await readFile(join(dir, WNID_FILE), 'utf8'), await readFile(join(dir, NAME_FILE), 'utf8'));
  return { names, from, digest: digestOf(names) };
}

export const IMAGENET_NAMES_MISSING = `the ImageNet class names were not found: install Debian's ${DARKNET_PACKAGE} package ` +
  `(apt-get install ${DARKNET_PACKAGE}; its ${DARKNET_DATA_DIR}/${WNID_FILE} and ${NAME_FILE} name the classes), ` +
  'or give init_args.label_file (one class name a line, in class-index order)';

export interface ImagenetOptions {
  /** The module whose folder under HUB_HOME caches names fetched with apt-get. */
  module: string;
  /** May `apt-get download darknet` be tried (install) or not (a check that must not touch the network)? */
  allowDownload: boolean;
  progress?: InstallProgress;
  /** Tests point this elsewhere. */
  systemDir?: string;
  fetchPackage?: (pkg: string, parent: string) => ReturnType<typeof fetchDebianPackage>;
}

const cacheFile = (module: string) => join(paths.module(module), 'imagenet-class-names.json');

/** ImageNet's names: the installed darknet package, else an earlier download of it, else (if allowed) a download. */
export async function imagenetClassNames(options: ImagenetOptions): Promise<ClassNames | undefined> {
  const systemDir = options.systemDir ?? DARKNET_DATA_DIR;
  const system = await fromDarknetDir(systemDir, `Debian's ${DARKNET_PACKAGE} package (${systemDir})`);
  if (system) return system;
  const cached = await readRecord<{ names: string[]; from: string }>(cacheFile(options.module));
  if (Array.isArray(cached?.names) && cached.names.length === IMAGENET_CLASSES) return { ...cached, digest: digestOf(cached.names) };
  if (!options.allowDownload) return undefined;
  options.progress?.(`downloading Debian's ${DARKNET_PACKAGE} package for the ImageNet class names`, 0, 1);
  await mkdir(paths.tmp(), { recursive: true });
  let fetched;
  try {
    fetched = await (options.fetchPackage ?? fetchDebianPackage)(DARKNET_PACKAGE, paths.tmp());
  } catch (error) {
    throw new Error(`${IMAGENET_NAMES_MISSING} (apt-get download ${DARKNET_PACKAGE} failed: ${(error as Error).message})`);
  }
  try {
    const found = await fromDarknetDir(join(fetched.root, DEB_DATA_SUBDIR), `Debian's ${DARKNET_PACKAGE} package (apt-get download)`);
    if (!found) throw new Error(`${IMAGENET_NAMES_MISSING} (the downloaded ${DARKNET_PACKAGE} package has no ${WNID_FILE})`);
    await writeJsonAtomic(cacheFile(options.module), { from: found.from, names: found.names });
    return found;
  } finally {
    await fetched.dispose();
  }
}
