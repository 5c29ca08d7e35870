import { z } from 'zod';

// The ONE table of serving options. Each is declared here once: its config-file key (PaddleHub's snake_case),
// its flag, its environment variable, the rule that checks it, its default and its help. The config schema,
// commander's flags, the environment reading and the README's flag table are all made from this table.

export const DEFAULT_PORT = 8866;
export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;
/** Inference tasks allowed to wait per thread before requests get 503. */
export const DEFAULT_QUEUE_PER_THREAD = 256;
/**
 * Image limits, checked from a file's header before anything is decoded: 40 MP is a large phone photo and about
 * 120 MB of RGB pixels; the longest side bounds the very thin images the pixel count lets through.
 */
export const DEFAULT_IMAGE_LIMITS = { maxPixels: 40_000_000, maxSide: 20_000, maxBytes: 32 * 1024 * 1024 } as const;

const integer = (min: number, max: number) =>
  z.number({ error: `expected an integer from ${min} to ${max}` })
    .int({ error: `expected an integer from ${min} to ${max}` })
    .min(min, { error: `expected an integer from ${min} to ${max}` })
    .max(max, { error: `expected an integer from ${min} to ${max}` });

const bool = () => z.boolean({ error: 'expected true or false' });

const gpuList = z.union([
  z.string().regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, { error: 'expected GPU ids like "0" or "0,1,2"' }),
  z.array(integer(0, 63)),
  integer(0, 63),
], { error: 'expected GPU ids like "0" or "0,1,2"' });

/**
 * A list given as comma-separated text (a flag, a variable, a string in the file) or as a JSON list of strings in
 * the file: trimmed, empty items dropped, at least one item left, each passing `item` when given.
 */
const textList = (what: string, item?: { pattern: RegExp; expected: string }) =>
  z.union([z.string(), z.array(z.string())], { error: `expected ${what}: comma-separated text or a list of strings` })
    .transform((value, context) => {
      const items = (Array.isArray(value) ? value : value.split(',')).map((part) => part.trim()).filter(Boolean);
      if (items.length === 0) context.addIssue({ code: 'custom', message: `expected one or more ${what}` });
      const wrong = item && items.find((part) => !item.pattern.test(part));
      if (wrong !== undefined) context.addIssue({ code: 'custom', message: `${JSON.stringify(wrong.slice(0, 60))}: ${item!.expected}` });
      return items;
    });

/** An origin as browsers send it: scheme://host[:port], no path; or * (any), or null (file:// and sandboxed pages). */
const ORIGIN = /^(\*|null|https?:\/\/[^\s/?#]+)$/i;

export interface OptionSpec {
  /** Config-file key; the flag is the same with `--`, the variable HUB_ and upper case. */
  key: string;
  short?: string;
  /** Placeholder of the flag's value; none for a switch. */
  value?: string;
  /** How text from a flag or the environment becomes a value before the rule checks it. */
  kind: 'number' | 'boolean' | 'string';
  rule: z.ZodType;
  /** The default, in words, for help and docs. */
  shown: string;
  help: string;
  /** Its value is never printed (notices say only that it was overridden). */
  secret?: boolean;
}

/** Said of each scheduling option: a module's entry in the config file can set it for that module alone. */
const PER_MODULE = "Server-wide; the same key in a module's modules_info entry (config file) wins for that module's models";

// Generic so that each option keeps its own rule's type, which the config schema is typed from.
const option = <K extends string, R extends z.ZodType>(spec: OptionSpec & { key: K; rule: R }) => spec;

export const SERVING_OPTIONS = [
  option({ key: 'port', short: '-p', value: '<port>', kind: 'number', rule: integer(1, 65535).default(DEFAULT_PORT), shown: String(DEFAULT_PORT),
    help: 'port to listen on; an occupied port is refused at start with a one-line error' }),
  option({ key: 'host', value: '<host>', kind: 'string', rule: z.string({ error: 'expected a host name or IP address' }).min(1).default('0.0.0.0'), shown: '0.0.0.0',
    help: 'address to listen on. As in PaddleHub, every interface: use 127.0.0.1 to serve this machine only' }),
  option({ key: 'health_port', value: '<port>', kind: 'number', rule: integer(0, 65535).default(0), shown: '0 (none)',
    help: 'a second port, on the same host, answering only GET /healthz, /livez and /readyz from a thread of its own, so probes are answered at once even while inference keeps the cores busy; /healthz and /livez say 503 "stalled" when the main event loop has not run for 10 s. With --use_multiprocess one process answers it, another taking over if it exits' }),
  option({ key: 'use_multiprocess', kind: 'boolean', rule: bool().default(false), shown: 'off',
    help: 'run several serving processes that share the port (node:cluster); a process that dies is restarted' }),
  option({ key: 'workers', short: '-w', value: '<n>', kind: 'number', rule: integer(1, 256).optional(), shown: 'one per core (of the CPU quota, where one is set)',
    help: 'processes with --use_multiprocess' }),
  option({ key: 'threads', value: '<n>', kind: 'number', rule: integer(1, 256).optional(), shown: 'cores / processes (cores of the CPU quota)',
    help: 'inference threads per process, each with its own ONNX Runtime sessions' }),
  option({ key: 'intra_op_threads', value: '<n>', kind: 'number', rule: integer(1, 256).default(1), shown: '1',
    help: "ONNX Runtime's threads for one model call, in each inference thread: more can lower one call's median latency on an idle server (measured on 2 cores with 1 thread x 2: OCR and detection about 10% lower at one connection, but their p99 higher; lac's no lower), fewer serves more calls at once; the default thread count divides the cores by processes x this" }),
  option({ key: 'use_gpu', kind: 'boolean', rule: bool().default(false), shown: 'off',
    help: "run inference with onnxruntime's CUDA provider" }),
  option({ key: 'gpu', short: '-i', value: '<ids>', kind: 'string', rule: gpuList.default('0'), shown: '0',
    help: 'GPU ids for --use_gpu, e.g. 0,1: inference threads use them in turn' }),
  option({ key: 'timeout', value: '<seconds>', kind: 'number', shown: '60',
    rule: z.number({ error: 'expected seconds, a number from 0.001 to 86400' })
      .positive({ error: 'expected seconds, a number from 0.001 to 86400' })
      .max(86400, { error: 'expected seconds, a number from 0.001 to 86400' })
      .default(60),
    help: 'longest a prediction may take; past it the client gets 504 at once, work still queued for it is dropped, and work already running finishes in its thread and is discarded' }),
  option({ key: 'body_limit', value: '<bytes>', kind: 'number', rule: integer(1024, 1024 * 1024 * 1024).default(DEFAULT_BODY_LIMIT), shown: String(DEFAULT_BODY_LIMIT),
    help: 'largest request body; a larger one gets 413 before it is read' }),
  option({ key: 'queue_per_thread', value: '<tasks>', kind: 'number', rule: integer(1, 1_000_000).default(DEFAULT_QUEUE_PER_THREAD), shown: String(DEFAULT_QUEUE_PER_THREAD),
    help: "inference tasks that may wait per thread; past that a request gets 503 at once (a model's own queue, --max_queue_size, answers 429 before it fills)" }),
  option({ key: 'image_max_pixels', value: '<pixels>', kind: 'number', rule: integer(1, 1_000_000_000).default(DEFAULT_IMAGE_LIMITS.maxPixels), shown: String(DEFAULT_IMAGE_LIMITS.maxPixels),
    help: 'largest image, width x height, read from its header before it is decoded; a larger one gets 413' }),
  option({ key: 'image_max_side', value: '<pixels>', kind: 'number', rule: integer(1, 1_000_000).default(DEFAULT_IMAGE_LIMITS.maxSide), shown: String(DEFAULT_IMAGE_LIMITS.maxSide),
    help: 'longest side of an image; a longer one gets 413' }),
  option({ key: 'image_max_bytes', value: '<bytes>', kind: 'number', rule: integer(1, 1024 * 1024 * 1024).default(DEFAULT_IMAGE_LIMITS.maxBytes), shown: String(DEFAULT_IMAGE_LIMITS.maxBytes),
    help: 'largest encoded image file (one item of images); a larger one gets 413' }),
  option({ key: 'max_batch_size', value: '<n>', kind: 'number', rule: integer(1, 4096).optional(), shown: 'per model (lac 64)',
    help: `items (texts, text pieces) per model call, merged across concurrent requests; 1 turns batching off. ${PER_MODULE}` }),
  option({ key: 'max_elements', value: '<n>', kind: 'number', rule: integer(1, 1_000_000_000).optional(), shown: 'per model (lac 4096)',
    help: `rows x the longest item per model call (characters of text, pixels of images), bounding a call's memory; an item larger than it alone still runs. ${PER_MODULE}` }),
  option({ key: 'max_queue_delay', value: '<microseconds>', kind: 'number', rule: integer(0, 10_000_000).optional(), shown: '0',
    help: `longest an item waits for companions when a call could take more; 0 dispatches whenever a thread is free, so calls fill up under load only. ${PER_MODULE}` }),
  option({ key: 'max_queue_size', value: '<items>', kind: 'number', rule: integer(1, 1_000_000).optional(), shown: 'per model (lac 20000)',
    help: `items waiting per model; a request whose items do not fit is refused at once with 429 and Retry-After (413 when it is larger than the whole queue). ${PER_MODULE}` }),
  option({ key: 'access_log', value: '[on|off]', kind: 'boolean', rule: bool().default(true), shown: 'on',
    help: 'one log line per request at info (method, route, module, status, envelope code, ms, bytes in and out, request id); errors are logged either way' }),
  option({ key: 'api_key', value: '<keys>', kind: 'string', secret: true, shown: 'none',
    rule: textList('API keys').optional(),
    help: 'API keys, comma-separated (a list in the config file): every route but /healthz and /readyz then requires Authorization: Bearer <key> or X-Api-Key: <key>, and answers 401 otherwise' }),
  option({ key: 'allowed_hosts', value: '<hosts>', kind: 'string', shown: 'localhost, 127.0.0.1, [::1], the listening address (every interface\'s for 0.0.0.0 or ::) and the hostname',
    rule: textList('host names').optional(),
    help: 'names the Host header may carry (port ignored; .example.com allows its subdomains, * any); another gets 403. Guards against DNS rebinding: list the names clients use, e.g. a Service or load balancer name' }),
  option({ key: 'cors_origins', value: '<origins>', kind: 'string', shown: 'none (CORS off)',
    rule: textList('origins', { pattern: ORIGIN, expected: 'expected origins like https://app.example.com (scheme and host, no path), null or *' }).optional(),
    help: 'web origins allowed to call the server from a browser (CORS); a request from a page of any other origin is refused with 403' }),
  option({ key: 'enable_model_control', value: '[on|off]', kind: 'boolean', rule: bool().default(false), shown: 'off',
    help: "the Open Inference Protocol's repository extension: POST /v2/repository/index and /v2/repository/models/<name>/load or /unload load and unload ONNX files of --model_repository at runtime. Off by default: loading files at a client's request runs what the client chose" }),
  option({ key: 'model_repository', value: '<folders>', kind: 'string', shown: "the folders of -m's ONNX files",
    rule: textList('folders').optional(),
    help: 'folders whose <name>.onnx or <name>/model.onnx files the repository extension may load; names reach nothing outside them' }),
] as const;

export type OptionKey = (typeof SERVING_OPTIONS)[number]['key'];

/** The options' rules by key, for the config schema. */
export type OptionShape = { [O in (typeof SERVING_OPTIONS)[number] as O['key']]: O['rule'] };

export const optionShape = Object.fromEntries(SERVING_OPTIONS.map((o) => [o.key, o.rule])) as OptionShape;

export const flagOf = (o: OptionSpec) => `--${o.key}`;
export const envOf = (o: OptionSpec) => `HUB_${o.key.toUpperCase()}`;
/** The name a flag's value has in StartFlags: camelCase of the key (body_limit -> bodyLimit). */
export const camelOf = (o: OptionSpec) => o.key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** commander's syntax for the option: "-p, --port <port>". */
export function commanderFlags(o: OptionSpec): string {
  return `${o.short ? `${o.short}, ` : ''}${flagOf(o)}${o.value ? ` ${o.value}` : ''}`;
}

/**
 * Text from a flag or a variable to the value the rule checks: numbers that parse become numbers (others stay
 * text, so the rule names them); switches from the environment take 1/0, true/false, yes/no, on/off.
 */
export function fromText(o: OptionSpec, text: string | boolean): unknown {
  if (typeof text === 'boolean') return text;
  const trimmed = text.trim();
  if (o.kind === 'number') return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : text;
  if (o.kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(trimmed)) return true;
    if (/^(0|false|no|off)$/i.test(trimmed)) return false;
    return text;
  }
  return text;
}

/** The README's flag table, made from the options (a test keeps the README equal to it). */
export function optionsMarkdown(): string {
  // A | inside a cell, even in code, would end the cell: GitHub reads \| as the character.
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = SERVING_OPTIONS.map((o: OptionSpec) =>
    `| \`${cell(commanderFlags(o))}\` | \`${envOf(o)}\` | ${cell(o.shown)} | ${cell(o.help)} |`);
  return ['| flag | environment | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
