import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../../errors/catalogue.js';
import type { CallContext } from '../../modules/types.js';
import { withDeadline } from '../deadline.js';
import { readBody } from '../body/read-body.js';
import { parseJsonText } from '../json-body.js';
import { datatypeOfOrt } from './datatypes.js';
import { decodeInferRequest, splitBody, type InferRequest } from './infer-request.js';
import { TensorError, encodeBinaryTensor, toJsonData } from './tensor-codec.js';
import type { TensorMetadata } from '../../backends/onnx-metadata.js';
import type { WireTensor } from '../../models/wire-tensor.js';
import { RepositoryError, type ModelRepository } from '../../models/repository.js';

// The Open Inference Protocol's REST routes (KServe v2, as Triton and MLServer speak it) over the served models:
// health, server and model metadata, and inference in JSON or with the binary tensor extension. Errors answer
// the protocol's shape, {"error": "..."}, with the status the protocol and the scheduler call for.

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
  bodyLimit: number;
  /** Elements per input tensor. */
  maxElements: number;
  /** The deadline of an inference, in seconds. */
  timeoutSeconds: number;
  /** The repository extension (load/unload at runtime), where the operator turned it on. */
  repository?: Pick<ModelRepository, 'index' | 'load' | 'unload'>;
}

class V2Error extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const DEADLINE_ERRORS = {
  timeout: (seconds: number) => new V2Error(504, `the inference took longer than the timeout of ${seconds} s`),
  gone: () => new V2Error(499, 'the client closed the connection'),
};

const metadataOf = (t: TensorMetadata) => ({ name: t.name, datatype: t.datatype, shape: t.shape });

export async function v2Routes(app: FastifyInstance, options: V2Options): Promise<void> {
  // Bodies here are JSON or the binary extension, whatever the content type says: read them raw, bounded.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    readBody(payload, options.bodyLimit, request.headers['content-length']).then((body) => done(null, body), (error: Error) => done(error, undefined));
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof V2Error) return void reply.code(error.status).headers(error.headers).send({ error: error.message });
    if (error instanceof TensorError) return void reply.code(400).send({ error: error.message });
    if (error instanceof HubError) return void reply.code(error.http).headers(error.headers).send({ error: error.message });
    if (error instanceof RepositoryError) return void reply.code(error.status).send({ error: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return void reply.code(status).send({ error: (error as Error).message });
    request.log.error({ err: error }, 'v2 request failed');
    return void reply.code(500).send({ error: 'internal error (the server log has the details)' });
  });
  app.setNotFoundHandler((request, reply) => void reply.code(404).send({ error: `nothing is served at ${request.url.slice(0, 200)}` }));

  const model = (name: string, version?: string): V2Model => {
    const found = options.models().get(name);
    if (!found) throw new V2Error(404, `unknown model ${JSON.stringify(name.slice(0, 100))}; served: ${[...options.models().keys()].join(', ') || '(none)'}`);
    if (version !== undefined && !found.versions.includes(version)) throw new V2Error(404, `model ${name} has no version ${JSON.stringify(version.slice(0, 40))}; versions: ${found.versions.join(', ')}`);
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
    if (!m.ready() || !options.ready()) throw new V2Error(503, `model ${m.name} is not ready`);
    const body = request.body;
    if (!(body instanceof Uint8Array) || body.byteLength === 0) throw new V2Error(400, 'the body is empty: send an inference request');
    const headerLength = request.headers['inference-header-content-length'];
    const { json, binary } = splitBody(body, Array.isArray(headerLength) ? headerLength[0] : headerLength);
    let header: unknown;
    try {
      header = parseJsonText(utf8.decode(json));
    } catch (error) {
      throw new V2Error(400, `the request is not valid JSON: ${(error as Error).message}`);
    }
    const inference = decodeInferRequest(header, binary, { maxElements: options.maxElements });
    const outputs = await withDeadline(options.timeoutSeconds, reply, DEADLINE_ERRORS, { queueMs: 0, inferMs: 0 }, (call) => m.infer(inference, call));
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
