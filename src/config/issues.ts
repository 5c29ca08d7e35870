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
    return `${parts.length ? `${where}: ` : ''}unknown key ${keys}; accepted keys: ${accepted.join(', ')}`;
  }
  if (issue.code === 'invalid_key') {
    // The path ends with the offending key: name the object it sits in and show the key as the value.
    const key = parts.pop();
    return `${parts.join('.') || '(top level)'}: key ${show(key)} is not allowed: ${issue.issues[0]?.message ?? issue.message}`;
  }
  return `${where}: ${show(valueAt(input, issue.path))} is not allowed: ${issue.message}`;
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
