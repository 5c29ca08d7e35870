// Where a model's weights may come from, declared per model as data in the order they are tried, and the one
// walk over such a list. A path (or URL) the user names decides: if it is wrong that is an error, never a reason
// to try another source. Otherwise the other sources are tried in turn until one yields; their failures are
// collected for the message. What a source's files mean (where in a package the model sits, how it is checked) is the
// installer's, given as one visitor per kind of source.

/** A file or folder the user names: init_args keys in order, then an environment variable. */
export interface NamedPathSource {
  kind: 'path';
  initArgs: readonly string[];
  env?: string;
}

/** A URL the user names in init_args, with its pinned sha256. */
export interface NamedUrlSource {
  kind: 'named-url';
  urlArg: string;
  sha256Arg: string;
}

/** A Debian package: its files where it is installed, else `apt-get download` and unpack (installing only). */
export interface DebianSource {
  kind: 'debian';
  package: string;
  /** Where the installed package keeps the files. */
  installedAt?: string;
}

/** A pinned npm package version: installed beside hub-serving (no integrity), or fetched by its integrity. */
export interface NpmSource {
  kind: 'npm';
  package: string;
  version: string;
  /** The tarball's Subresource Integrity; present when the package is fetched at install time. */
  integrity?: string;
  /** Paths inside the package that are fetched. */
  files?: readonly string[];
}

/** A file downloaded from a pinned URL and checked by its sha256. */
export interface PinnedFile {
  name: string;
  url: string;
  sha256: string;
  /** The file's size, where it is known: shown while downloading and used for the download limit. */
  bytes?: number;
  /** Download limit, when not derived from `bytes`. */
  maxBytes?: number;
}

export interface UrlSource {
  kind: 'url';
  /** The files in words, e.g. "the ONNX model zoo's vgg16-7.onnx". */
  label: string;
  files: readonly PinnedFile[];
  /** Environment variable naming a mirror that serves the same bytes (single-file sources). */
  mirrorEnv?: string;
}

export type WeightSource = NamedPathSource | NamedUrlSource | DebianSource | NpmSource | UrlSource;

/** One model's sources, in the order they are tried. */
export interface ModelSources {
  module: string;
  sources: readonly WeightSource[];
}

/** A path the user named, and where it was named ("init_args.directory", or the variable's name). */
export interface NamedPath {
  path: string;
  label: string;
  fromEnv: boolean;
}

export interface SourceVisitors<T> {
  path?: (named: NamedPath, source: NamedPathSource) => Promise<T | undefined>;
  namedUrl?: (named: { url: string; sha256?: string }, source: NamedUrlSource) => Promise<T | undefined>;
  debian?: (source: DebianSource) => Promise<T | undefined>;
  npm?: (source: NpmSource) => Promise<T | undefined>;
  url?: (source: UrlSource) => Promise<T | undefined>;
}

export interface Walked<T> {
  found?: T;
  /** The source that decided: one the user named (whatever its visitor answered), or the one that yielded. */
  from?: WeightSource;
  /** Why the sources that were tried gave nothing, in order. */
  failures: Error[];
}

const given = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** The path `source` names in init_args or the environment, if it names one. */
export function namedPathOf(source: NamedPathSource, initArgs: Record<string, unknown>): NamedPath | undefined {
  for (const key of source.initArgs) {
    const path = given(initArgs[key]);
    if (path) return { path, label: `init_args.${key}`, fromEnv: false };
  }
  const fromEnv = source.env ? given(process.env[source.env]) : undefined;
  return fromEnv ? { path: fromEnv, label: source.env!, fromEnv: true } : undefined;
}

/** The URL `source` names in init_args, if it names one. */
export function namedUrlOf(source: NamedUrlSource, initArgs: Record<string, unknown>): { url: string; sha256?: string } | undefined {
  const url = given(initArgs[source.urlArg]);
  return url ? { url, sha256: given(initArgs[source.sha256Arg])?.toLowerCase() } : undefined;
}

/** What the user named, if anything: the first path or URL source, in the declared order, that init_args or the environment fills. */
export type Named =
  | { source: NamedPathSource; path: NamedPath }
  | { source: NamedUrlSource; url: { url: string; sha256?: string } };

export function namedSource(model: ModelSources, initArgs: Record<string, unknown>): Named | undefined {
  for (const source of model.sources) {
    if (source.kind === 'path') {
      const path = namedPathOf(source, initArgs);
      if (path) return { source, path };
    } else if (source.kind === 'named-url') {
      const url = namedUrlOf(source, initArgs);
      if (url) return { source, url };
    }
  }
  return undefined;
}

/**
 * Walks `model.sources`. What the user names decides, with its visitor's answer (or error). Otherwise the other
 * sources are tried in order: each yields its visitor's answer, or undefined or an error to go on. Kinds without
 * a visitor are passed over (`installed` checks give no fetching visitors).
 */
export async function walkSources<T>(model: ModelSources, initArgs: Record<string, unknown>, visit: SourceVisitors<T>): Promise<Walked<T>> {
  const failures: Error[] = [];
  const named = namedSource(model, initArgs);
  if (named) {
    const found = 'path' in named ? await visit.path?.(named.path, named.source) : await visit.namedUrl?.(named.url, named.source);
    return { found, from: named.source, failures };
  }
  for (const source of model.sources) {
    try {
      const found = source.kind === 'debian' ? await visit.debian?.(source)
        : source.kind === 'npm' ? await visit.npm?.(source)
        : source.kind === 'url' ? await visit.url?.(source)
        : undefined;
      if (found !== undefined) return { found, from: source, failures };
    } catch (error) {
      failures.push(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return { failures };
}

/** The places a walk tries, in words: "init_args.directory", "HUB_LAC_DIR", "`apt-get download python3-jieba`", ... */
export function triedPlaces(model: ModelSources): string[] {
  return model.sources.flatMap((source) => {
    switch (source.kind) {
      case 'path': return [...source.initArgs.map((k) => `init_args.${k}`), ...(source.env ? [source.env] : [])];
      case 'named-url': return [`init_args.${source.urlArg}`];
      case 'debian': return [...(source.installedAt ? [source.installedAt] : []), `\`apt-get download ${source.package}\``];
      case 'npm': return [`npm ${source.package}@${source.version}`];
      case 'url': return [source.label];
    }
  });
}
