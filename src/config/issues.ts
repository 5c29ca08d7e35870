import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';

// Turns zod issues into one line a person can act on: the key, the value given and what is allowed.
// Used for config files, CLI flags and request bodies alike, so every mistake reads the same way.

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function formatIssue(
  issue: z.core.$ZodIssue,
  input: unknown,
  allowedKeys?: (path: PropertyKey[]) => string[],
  prefix?: string,
): string {
  const parts = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
  const where = parts.length ? parts.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const accepted = allowedKeys?.(issue.path) ?? [];
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    // A key the object already has is no guess: {"text", "texts"} has "texts" extra, not "text" misspelt.
    const here = valueAt(input, issue.path);
    const free = accepted.filter((k) => !(here !== null && typeof here === 'object' && Object.hasOwn(here, k)));
    const guesses = issue.keys.map((k) => [k, closest(k, free)] as const).filter(([, g]) => g);
    const hint = guesses.length === 0 ? ''
      : issue.keys.length === 1 ? `did you mean "${guesses[0]![1]}"? `
        : `did you mean ${guesses.map(([k, g]) => `"${g}" for "${k}"`).join(', ')}? `;
    return `${parts.length ? `${where}: ` : ''}unknown key ${keys}; ${hint}accepted keys: ${accepted.join(', ')}`;
  }
  if (issue.code === 'invalid_key') {
    // The path ends with the offending key: name the object it sits in and show the key as the value.
    const key = parts.pop();
    return `${parts.join('.') || '(top level)'}: key ${show(key)} is not allowed: ${issue.issues[0]?.message ?? issue.message}`;
  }
  return `${where}: ${show(valueAt(input, issue.path))} is not allowed: ${issue.message}`;
}

/**
 * The candidate a mistyped word most likely meant, or undefined when none is close. A word that begins a
 * candidate (or that a candidate begins) wins over edit distance: `stat` means `status`, not `start`.
 * Otherwise the fewest edits (Levenshtein): 1 for words of up to 3 letters, else a third of the length, from 2 to 3.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  if (!typed || candidates.includes(word)) return undefined;
  const prefixed = candidates.filter((c) => {
    const l = c.toLowerCase();
    return typed.length >= 3 && (l.startsWith(typed) || typed.startsWith(l));
  });
  if (prefixed.length === 1) return prefixed[0];
  const limit = typed.length <= 3 ? 1 : Math.min(3, Math.max(2, Math.floor(typed.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of prefixed.length > 1 ? prefixed : candidates) {
    const d = distance(typed, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return prefixed.length > 1 || bestDistance <= limit ? best : undefined;
}

/** `; did you mean "x"?` for a message, or nothing when no candidate is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = closest(word, candidates);
  return guess ? `; did you mean "${guess}"?` : '';
}

/** Lists the keys an object schema accepts at a path, for "unknown key" messages. */
export function keysAt(schema: z.ZodType, path: PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const key of path) {
    const shape = shapeOf(node);
    if (shape && typeof key === 'string' && key in shape) node = shape[key];
    else if (isRecord(node)) node = (node as { valueType: unknown }).valueType;
    else return [];
    node = unwrap(node);
  }
  const shape = shapeOf(unwrap(node));
  return shape ? Object.keys(shape) : [];
}

function unwrap(node: unknown): unknown {
  let current = node as { unwrap?: () => unknown; def?: { innerType?: unknown } } | undefined;
  for (let i = 0; i < 8 && current; i++) {
    const inner = current.def?.innerType;
    if (!inner) break;
    current = inner as typeof current;
  }
  return current;
}

function shapeOf(node: unknown): Record<string, unknown> | undefined {
  const shape = (node as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape && typeof shape === 'object' ? shape : undefined;
}

function isRecord(node: unknown): boolean {
  return (node as { def?: { type?: string } } | undefined)?.def?.type === 'record';
}

/** Validates input against a schema, throwing `makeError(line)` with the first issue as one line. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  makeError: (line: string) => Error,
  prefix?: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw makeError(formatIssue(issue, input, (path) => keysAt(schema, path), prefix));
}
