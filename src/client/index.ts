// `hub-serving/client`: a typed client for a Hub Serving server (or PaddleHub Serving: the PaddleHub routes are
// the same). fetch underneath, so it runs on Node 18+, Deno, Bun and browsers. Errors are typed: a PaddleHub
// route's refusal carries the envelope's code, a /v2 refusal the protocol's message, both the HTTP status and,
// for 429, the seconds the server asked to wait.

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8866 */
  url: string;
  /** Sent as Authorization: Bearer <key>. */
  apiKey?: string;
  /** Per request; default 60 s. */
  timeoutMs?: number;
  /** Sent as X-Request-Id, which the server echoes and logs. */
  requestId?: () => string;
}

/** A refusal or failure answered by the server. */
export class HubServingError extends Error {
  constructor(
    message: string,
    /** The HTTP status. */
    readonly http: number,
    /** The envelope's status on PaddleHub routes ("113", "124"...); undefined on /v2 and the service routes. */
    readonly code: string | undefined,
    /** Retry-After in seconds, on 429 and 503 where the server gave one. */
    readonly retryAfter: number | undefined,
    readonly requestId: string | undefined,
  ) {
    super(message);
    this.name = 'HubServingError';
  }
}

export type V2Datatype = 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

export interface V2Tensor {
  name: string;
  datatype: V2Datatype;
  shape: number[];
  data?: unknown[];
  parameters?: Record<string, unknown>;
}

export interface V2InferRequest {
  id?: string;
  inputs: V2Tensor[];
  outputs?: { name: string; parameters?: Record<string, unknown> }[];
  parameters?: Record<string, unknown>;
}

export interface V2InferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: V2Tensor[];
}

export interface V2ModelMetadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs: { name: string; datatype: V2Datatype; shape: number[] }[];
  outputs: { name: string; datatype: V2Datatype; shape: number[] }[];
}

/** A binary input for inferBinary: its bytes in the tensor's little-endian layout (strings length-prefixed). */
export interface BinaryInput extends Omit<V2Tensor, 'data'> {
  bytes: Uint8Array;
}

export interface ModuleInfo {
  name: string;
  version: string;
  task: string;
  summary: string;
  example: Record<string, unknown>;
  arguments: { name: string; type: string; default: unknown; help: string; required?: boolean }[];
  [key: string]: unknown;
}

interface Envelope {
  msg: string;
  results: unknown;
  status: string;
}

export class HubClient {
  private readonly base: string;

  constructor(private readonly options: ClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  /** POST /predict/<module>: the results, one per input. T is the shape of one result. */
  async predict<T = unknown>(module: string, args: Record<string, unknown>): Promise<T[]> {
    const envelope = await this.json<Envelope>('POST', `/predict/${encodeURIComponent(module)}`, JSON.stringify(args), 'application/json');
    return envelope.results as T[];
  }

  /** GET /healthz: true when the process answers. */
  async live(): Promise<boolean> {
    return (await this.raw('GET', '/healthz')).ok;
  }

  /** GET /readyz: true once every module is loaded, false while loading or draining. */
  async ready(): Promise<boolean> {
    const response = await this.raw('GET', '/readyz');
    await response.arrayBuffer();
    return response.ok;
  }

  /** GET /modules: the served modules with their arguments. */
  modules(): Promise<ModuleInfo[]> {
    return this.json('GET', '/modules');
  }

  /** GET /openapi.json */
  openapi(): Promise<Record<string, unknown>> {
    return this.json('GET', '/openapi.json');
  }

  /** GET /v2: server name, version and extensions. */
  serverMetadata(): Promise<{ name: string; version: string; extensions: string[] }> {
    return this.json('GET', '/v2');
  }

  /** GET /v2/models/<model>[/versions/<version>] */
  modelMetadata(model: string, version?: string): Promise<V2ModelMetadata> {
    return this.json('GET', modelPath(model, version));
  }

  /** GET /v2/models/<model>/ready: false for a model that is not ready or not served. */
  async modelReady(model: string, version?: string): Promise<boolean> {
    const response = await this.raw('GET', `${modelPath(model, version)}/ready`);
    await response.arrayBuffer();
    return response.ok;
  }

  /** POST /v2/models/<model>/infer in JSON. */
  infer(model: string, request: V2InferRequest, version?: string): Promise<V2InferResponse> {
    return this.json('POST', `${modelPath(model, version)}/infer`, JSON.stringify(request), 'application/json');
  }

  /**
   * POST .../infer with the binary tensor extension: inputs as raw bytes after the JSON header, and (unless
   * `jsonOutputs`) outputs back as bytes too, in `binaryOutputs` by name.
   */
  async inferBinary(model: string, inputs: BinaryInput[], options: { version?: string; jsonOutputs?: boolean; id?: string } = {}): Promise<V2InferResponse & { binaryOutputs: Map<string, Uint8Array> }> {
    const header = {
      ...(options.id ? { id: options.id } : {}),
      inputs: inputs.map(({ bytes, ...tensor }) => ({ ...tensor, parameters: { ...tensor.parameters, binary_data_size: bytes.byteLength } })),
      parameters: { binary_data_output: !options.jsonOutputs },
    };
    const head = new TextEncoder().encode(JSON.stringify(header));
    const body = new Uint8Array(head.byteLength + inputs.reduce((n, i) => n + i.bytes.byteLength, 0));
    body.set(head, 0);
    let offset = head.byteLength;
    for (const input of inputs) {
      body.set(input.bytes, offset);
      offset += input.bytes.byteLength;
    }
    const response = await this.raw('POST', `${modelPath(model, options.version)}/infer`, body, 'application/octet-stream', { 'inference-header-content-length': String(head.byteLength) });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const length = Number(response.headers.get('inference-header-content-length') ?? bytes.byteLength);
    const parsed = parse(bytes.subarray(0, length));
    if (!response.ok) throw refusal(response, parsed);
    const result = parsed as V2InferResponse;
    const binaryOutputs = new Map<string, Uint8Array>();
    let at = length;
    for (const output of result.outputs) {
      const size = output.parameters?.binary_data_size;
      if (typeof size === 'number') {
        binaryOutputs.set(output.name, bytes.slice(at, at + size));
        at += size;
      }
    }
    return { ...result, binaryOutputs };
  }

  private async raw(method: string, path: string, body?: string | Uint8Array, contentType?: string, extra: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { ...extra };
    if (contentType) headers['content-type'] = contentType;
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    if (this.options.requestId) headers['x-request-id'] = this.options.requestId();
    return fetch(`${this.base}${path}`, { method, headers, body, signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000) });
  }

  private async json<T>(method: string, path: string, body?: string, contentType?: string): Promise<T> {
    const response = await this.raw(method, path, body, contentType);
    const parsed = parse(new Uint8Array(await response.arrayBuffer()));
    if (!response.ok || isFailedEnvelope(parsed)) throw refusal(response, parsed);
    return parsed as T;
  }
}

const modelPath = (model: string, version?: string) =>
  `/v2/models/${encodeURIComponent(model)}${version === undefined ? '' : `/versions/${encodeURIComponent(version)}`}`;

function parse(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isFailedEnvelope(body: unknown): body is Envelope {
  return typeof body === 'object' && body !== null && 'status' in body && 'msg' in body && (body as Envelope).status !== '000';
}

function refusal(response: Response, body: unknown): HubServingError {
  const retry = Number(response.headers.get('retry-after'));
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const retryAfter = Number.isFinite(retry) && retry >= 0 && response.headers.has('retry-after') ? retry : undefined;
  if (typeof body === 'object' && body !== null) {
    if ('status' in body && 'msg' in body) return new HubServingError(String((body as Envelope).msg), response.status, String((body as Envelope).status), retryAfter, requestId);
    if ('error' in body) return new HubServingError(String((body as { error: unknown }).error), response.status, undefined, retryAfter, requestId);
  }
  return new HubServingError(`HTTP ${response.status}: ${String(body).slice(0, 200)}`, response.status, undefined, retryAfter, requestId);
}
