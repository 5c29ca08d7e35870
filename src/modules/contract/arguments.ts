import { z } from 'zod';

// A module's arguments, each declared once with its own docs: the zod schema that validates requests (with its
// default), the help text, and optionally the type in words. `hub show`, /modules, /openapi.json, the playground
// and the README's tables all read these, so what a module accepts and what its docs say cannot drift apart.

export interface Argument<S extends z.ZodType = z.ZodType> {
  schema: S;
  help: string;
  /** The type in words (`list[str] | str`, `int 1..1024`); read from the schema when absent. */
  type?: string;
  /** Shown as required although the schema lets it be absent (one of two spellings must be given). */
  required?: boolean;
  /** Accepted (an older spelling) but not documented on its own. */
  hidden?: boolean;
}

/** One row of `hub show`'s argument table and of /modules' `arguments`. */
export interface ArgumentRow {
  name: string;
  type: string;
  default: unknown;
  help: string;
  required?: boolean;
}

export type Arguments = Record<string, Argument>;

/** The arguments' values after validation, defaults applied. */
export type ArgumentValues<A extends Arguments> = { [K in keyof A]: z.output<A[K]['schema']> };

export function arg<S extends z.ZodType>(schema: S, help: string, more: Omit<Argument, 'schema' | 'help'> = {}): Argument<S> {
  return { schema, help, ...more };
}

/** JSON Schema's types in the words `hub show` and the playground use (`int 1..3`, `list[float]`). */
const WORDS: Record<string, string> = { integer: 'int', number: 'float', string: 'str', boolean: 'bool' };

export function typeWords(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Record<string, unknown>[]).map(typeWords).join(' | ');
  if (schema.type === 'array') return `list[${typeWords((schema.items ?? {}) as Record<string, unknown>)}]`;
  const word = WORDS[String(schema.type)] ?? String(schema.type ?? 'any');
  return typeof schema.minimum === 'number' && typeof schema.maximum === 'number' ? `${word} ${schema.minimum}..${schema.maximum}` : word;
}

/** The request schema: exactly these keys (unknown ones are refused), then the rules that span several. */
export function argumentsSchema<A extends Arguments>(
  args: A,
  check?: (value: ArgumentValues<A>, context: z.RefinementCtx) => void,
): z.ZodType<ArgumentValues<A>> {
  const object = z.strictObject(Object.fromEntries(Object.entries(args).map(([key, a]) => [key, a.schema])));
  return (check ? object.superRefine((value, context) => check(value as ArgumentValues<A>, context)) : object) as unknown as z.ZodType<ArgumentValues<A>>;
}

/** The documented arguments, in declaration order. */
export function argumentRows(args: Arguments): ArgumentRow[] {
  return Object.entries(args).filter(([, a]) => !a.hidden).map(([name, a]) => {
    const json = z.toJSONSchema(a.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    const required = a.required ?? !a.schema.safeParse(undefined).success;
    return { name, type: a.type ?? typeWords(json), default: json.default, help: a.help, required };
  });
}
