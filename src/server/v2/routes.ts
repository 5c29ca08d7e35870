import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError, hubError } from '../../errors/catalogue.js';
import type { CallContext } from '../../modules/types.js';
import { withDeadline } from '../deadline.js';
import { toHubError } from '../envelope.js';
import { readBody } from '../body/read-body.js';
import { parseJsonText } from '../json-body.js';
import { datatypeOfOrt } from './datatypes.js';
import { decodeInferRequest, splitBody, type InferRequest } from './infer-request.js';
import { TensorError, encodeBinaryTensor, toJsonData } from './tensor-codec.js';
import type { TensorMetadata } from '../../backends/onnx-metadata.js';
import type { WireTensor } from '../../models/wire-tensor.js';
import type { ModelRepository } from '../../models/repository.js';

// The Open Inference Protocol's REST routes (KServe v2, as Triton and MLServer speak it) over the served models:
// health, server and model metadata, and inference in JSON or with the binary tensor extension. Errors come from
// the catalogue like PaddleHub's, with its HTTP status and headers, in the protocol's shape: {"error": "..."}.

export interface V2Model {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  ready(): boolean;
  infer(request: InferRequest, call: CallContext): Promise<Record<string, WireTensor>>;
}

export interface V2Options {
  serverName: string;
  serverVersion: string;
  models(): Map<string, V2Model>;
  /** Every model loaded and not draining. */
  ready(): boolean;
  /** Whether the server is shutting down, to tell that from loading when it is not ready. */
  draining?(): boolean;
  bodyLimit: number;
  /** Elements per input tensor. */
  maxElements: number;
  /** The deadline of an inference, in seconds. */
  timeoutSeconds: number;
  /** The repository extension (load/unload at runtime), where the operator turned it on. */
  repository?: Pick<ModelRepository, 'index' | 'load' | 'unload'>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const metadataOf = (t: TensorMetadata) => ({ name: t.name, datatype: t.datatype, shape: t.shape });

export async function v2Routes(app: FastifyInstance, options: V2Options): Promise<void> {
  // Bodies here are JSON or the binary extension, whatever the content type says: read them raw, bounded.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    readBody(payload, options.bodyLimit, request.headers['content-length']).then((body) => done(null, body), (error: Error) => done(error, undefined));
  });

  const answer = (reply: FastifyReply, error: HubError) => void reply.code(error.http).headers(error.headers).send({ error: error.message });
  app.setErrorHandler((error, request, reply) => {
    const hub = error instanceof TensorError ? hubError('INVALID_ARGUMENT', error.message)
      : toHubError(error, { bodyLimit: options.bodyLimit, contentType: request.headers['content-type'] ?? '' });
    if (!(error instanceof HubError) && hub.http >= 500) request.log.error({ err: error }, 'v2 request failed');
    answer(reply, hub);
  });
  app.setNotFoundHandler((request, reply) => answer(reply, hubError('NOT_FOUND', request.url.slice(0, 200))));

  const model = (name: string, version?: string): V2Model => {
    const found = options.models().get(name);
    if (!found) throw hubError('UNKNOWN_MODEL', name, [...options.models().keys()]);
    if (version !== undefined && !found.versions.includes(version)) throw hubError('UNKNOWN_VERSION', name, version, found.versions);
    return found;
  };

  const extensions = ['binary_tensor_data', ...(options.repository ? ['model_repository'] : [])];
  app.get('/', async () => ({ name: options.serverName, version: options.serverVersion, extensions }));
  app.get('/health/live', async () => ({ live: true }));
  app.get('/health/ready', async (_request, reply) => {
    const ready = options.ready();
    return reply.code(ready ? 200 : 503).send({ ready });
  });

  type Params = { model: string; version?: string };
  const metadata = async (request: FastifyRequest<{ Params: Params }>) => {
    const m = model(request.params.model, request.params.version);
    return { name: m.name, versions: m.versions, platform: m.platform, inputs: m.inputs.map(metadataOf), outputs: m.outputs.map(metadataOf) };
  };
  const modelReady = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const m = model(request.params.model, request.params.version);
    const ready = m.ready() && options.ready();
    return reply.code(ready ? 200 : 503).send({ name: m.name, ready });
  };
  const infer = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const m = model(request.params.model, request.params.version);
    if (!options.ready()) throw hubError(options.draining?.() ? 'SHUTTING_DOWN' : 'MODELS_LOADING');
    if (!m.ready()) throw hubError('MODEL_UNLOADING', m.name);
    const body = request.body;
    if (!(body instanceof Uint8Array) || body.byteLength === 0) throw hubError('BODY_NOT_JSON', 'the body is empty: send an inference request');
    const headerLength = request.headers['inference-header-content-length'];
    const { json, binary } = splitBody(body, Array.isArray(headerLength) ? headerLength[0] : headerLength);
    let header: unknown;
    try {
      header = parseJsonText(utf8.decode(json));
    } catch (error) {
      throw hubError('BODY_NOT_JSON', (error as Error).message);
    }
    const inference = decodeInferRequest(header, binary, { maxElements: options.maxElements });
    const outputs = await withDeadline(options.timeoutSeconds, reply, { queueMs: 0, inferMs: 0 }, (call) => m.infer(inference, call));
    return sendInferResponse(reply, m, inference, outputs);
  };

  const repository = options.repository;
  if (repository) {
    app.post('/repository/index', async () => repository.index());
    app.post<{ Params: { model: string } }>('/repository/models/:model/load', async (request) => {
      await repository.load(request.params.model);
      return {};
    });
    app.post<{ Params: { model: string } }>('/repository/models/:model/unload', async (request) => {
      await repository.unload(request.params.model);
      return {};
    });
  }

  for (const prefix of ['/models/:model', '/models/:model/versions/:version']) {
    app.get(prefix, metadata);
    app.get(`${prefix}/ready`, modelReady);
    app.post(`${prefix}/infer`, infer);
  }
}

/** The response in JSON, or with binary outputs after a JSON header whose length a header gives. */
function sendInferResponse(reply: FastifyReply, model: V2Model, request: InferRequest, outputs: Record<string, WireTensor>) {
  const asked = request.outputs ?? Object.keys(outputs).map((name) => ({ name, binary: request.binaryOutput }));
  const binaries: Uint8Array[] = [];
  const described = asked.map(({ name, binary }) => {
    const t = outputs[name]!;
    const datatype = datatypeOfOrt(t.type)!;
    if (!binary) return { name, datatype, shape: t.dims, data: toJsonData(datatype, t.data) };
    const bytes = encodeBinaryTensor(t.data);
    binaries.push(bytes);
    return { name, datatype, shape: t.dims, parameters: { binary_data_size: bytes.byteLength } };
  });
  const header = { model_name: model.name, model_version: model.versions[0], ...(request.id !== undefined ? { id: request.id } : {}), outputs: described };
  if (binaries.length === 0) return reply.send(header);
  const json = Buffer.from(JSON.stringify(header));
  return reply
    .header('inference-header-content-length', String(json.byteLength))
    .type('application/octet-stream')
    .send(Buffer.concat([json, ...binaries]));
}
