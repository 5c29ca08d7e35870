// What a reply may say about the machine: no absolute paths. Weight sources and error messages are written for
// the operator at the console, with folders ("Debian package python3-jieba (/usr/lib/...)"); over HTTP a
// parenthesis holding a path is left out, and any other path is cut to its last part.

// An absolute path of two or more parts (/a/b, ~/a), not inside a URL (the character before it is not a word
// character, ':', '/', '.', '~' or '-') and not one of the server's own routes (/predict/<module>, /v2/...).
const PATH = String.raw`(?<![\w:/.~-])(?!/(?:predict|v2)/)(?:~|/[\w.@+-]+)(?:/[\w.@+=,-]+)+/?`;
const HAS_PATH = new RegExp(PATH);
const PATHS = new RegExp(PATH, 'g');
const PARENTHESIS = /\s*\([^()]*\)/g;

/** `text` without absolute paths. */
export function withoutPaths(text: string): string {
  if (!HAS_PATH.test(text)) return text;
  return text
    .replace(PARENTHESIS, (part) => (HAS_PATH.test(part) ? '' : part))
    .replace(PATHS, (path) => `.../${path.split('/').filter(Boolean).at(-1) ?? ''}`);
}

/** Strings anywhere inside a JSON-like value, without absolute paths. */
export function valueWithoutPaths(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return withoutPaths(value);
  if (depth > 16 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => valueWithoutPaths(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, valueWithoutPaths(v, depth + 1)]));
}
