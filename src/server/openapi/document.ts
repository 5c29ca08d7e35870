import { z } from 'zod';
import { Errors, errorLabel, type ErrorName } from '../../errors/catalogue.js';
import type { ServedModule } from '../app.js';
import { inferRequestSchema } from '../v2/infer-request.js';
import type { V2Model } from '../v2/routes.js';

// The OpenAPI 3.1 document of this server, made from the schemas that validate requests: each served module's
// predict schema (its arguments' help from describeArgs) and the /v2 inference request. It is built per request
// from what is loaded at that moment, so models loaded at runtime appear without a restart.

type Json = Record<string, unknown>;

export interface DocumentInput {
  version: string;
  modules: ReadonlyMap<string, ServedModule>;
  v2Models: ReadonlyMap<string, V2Model>;
  /** Whether an API key is required (the document then declares both ways of sending it). */
  apiKey: boolean;
  repository: boolean;
}

/** A zod schema as JSON Schema for a request body (what a client sends, before defaults apply). */
export function requestJsonSchema(schema: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

const envelopeRef = { $ref: '#/components/schemas/Envelope' };
const v2ErrorRef = { $ref: '#/components/schemas/V2Error' };

const ENVELOPE = {
  type: 'object',
  description: "PaddleHub's reply: status \"000\" with results, or another code with the reason in msg, results \"\" and the code's name in error",
  required: ['msg', 'results', 'status'],
  properties: {
    msg: { type: 'string' },
    results: {},
    status: { type: 'string', pattern: '^\\d{3}$', examples: ['000', '113', '124'] },
    error: { type: 'string', description: "on errors only: the status code's name", examples: ['invalid_argument', 'overloaded'] },
  },
};

const reply = (description: string, schema: Json) => ({ description, content: { 'application/json': { schema } } });

/** Errors a prediction can meet, each in the envelope; described by HTTP status from the catalogue. */
const PREDICT_ERRORS: ErrorName[] = [
  'INVALID_ARGUMENT', 'BODY_NOT_JSON', 'MALFORMED_BODY', 'TOO_MANY_PARTS', 'NESTED_TOO_DEEP', 'UNAUTHORIZED', 'HOST_NOT_ALLOWED',
  'ORIGIN_NOT_ALLOWED', 'UNKNOWN_MODULE', 'BODY_TOO_LARGE', 'IMAGE_TOO_LARGE', 'TOO_MANY_ITEMS', 'UNSUPPORTED_MEDIA_TYPE', 'OVERLOADED',
  'PREDICT_FAILED', 'MODELS_LOADING', 'SHUTTING_DOWN', 'THREADS_BUSY', 'THREAD_STOPPED', 'TIMEOUT',
];

const PREDICT_ERROR_REPLIES = (() => {
  const byHttp: Record<string, string[]> = {};
  for (const name of PREDICT_ERRORS) {
    const { http, status, meaning } = Errors[name];
    (byHttp[http] ??= []).push(`${status} ${errorLabel(name)}: ${meaning}`);
  }
  return Object.fromEntries(Object.entries(byHttp).map(([http, lines]) => [http, reply(lines.join('; '), envelopeRef)]));
})();

/** A success has no error name. */
const { error: _onErrorsOnly, ...SUCCESS_PROPERTIES } = ENVELOPE.properties;

function predictOperation(name: string, served: ServedModule): Json {
  const { manifest } = served.definition;
  const schema = requestJsonSchema(served.definition.predictSchema);
  const help = new Map(served.definition.describeArgs().map((a) => [a.name, a]));
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  for (const [key, property] of Object.entries(properties)) {
    const arg = help.get(key);
    if (arg) property.description = `${arg.help} (${arg.type}${arg.default !== undefined ? `, default ${JSON.stringify(arg.default)}` : ''})`;
  }
  const multipart = 'images' in properties;
  return {
    post: {
      operationId: `predict_${name}`,
      tags: ['PaddleHub'],
      summary: manifest.summary,
      description: `${manifest.input}\n\nEach result: ${manifest.output}` +
        (multipart ? '\n\nImages may also be sent as multipart/form-data files named `images`, the other arguments as fields.' : ''),
      requestBody: {
        required: true,
        content: {
          'application/json': { schema, example: manifest.example },
          ...(multipart ? { 'multipart/form-data': { schema: { type: 'object', properties: { images: { type: 'array', items: { type: 'string', format: 'binary' } } } } } } : {}),
        },
      },
      responses: {
        200: reply('the results, one per input, in order', { ...ENVELOPE, properties: { ...SUCCESS_PROPERTIES, results: { type: 'array' }, status: { const: '000' } } }),
        ...PREDICT_ERROR_REPLIES,
      },
    },
  };
}

const modelParam = { name: 'model', in: 'path', required: true, schema: { type: 'string' } };
const versionParam = { name: 'version', in: 'path', required: true, schema: { type: 'string' } };

function v2Paths(input: DocumentInput): Record<string, Json> {
  const tensorMeta = { type: 'object', properties: { name: { type: 'string' }, datatype: { type: 'string' }, shape: { type: 'array', items: { type: 'integer' } } } };
  const metadata = reply('the model: name, versions, platform, inputs and outputs (-1 for open dimensions)', {
    type: 'object', properties: { name: { type: 'string' }, versions: { type: 'array', items: { type: 'string' } }, platform: { type: 'string' }, inputs: { type: 'array', items: tensorMeta }, outputs: { type: 'array', items: tensorMeta } },
  });
  const errors = { 400: reply('a bad request: shape, datatype, element count, unknown tensor', v2ErrorRef), 404: reply('no such model or version', v2ErrorRef),
    429: reply('queue full: retry after Retry-After seconds', v2ErrorRef), 503: reply('not ready', v2ErrorRef), 504: reply('past the timeout', v2ErrorRef) };
  const infer = {
    post: {
      tags: ['Open Inference Protocol'],
      summary: 'Run the model on tensors',
      description: `Served models: ${[...input.v2Models.keys()].join(', ') || '(none)'}. JSON, or the binary tensor extension: a JSON header of ` +
        'Inference-Header-Content-Length bytes followed by the binary inputs (parameters.binary_data_size on each).',
      requestBody: { required: true, content: { 'application/json': { schema: requestJsonSchema(inferRequestSchema) }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
      responses: { 200: reply('the outputs', { type: 'object', properties: { model_name: { type: 'string' }, id: { type: 'string' }, outputs: { type: 'array' } } }), ...errors },
    },
  };
  const paths: Record<string, Json> = {
    '/v2': { get: { tags: ['Open Inference Protocol'], summary: 'Server metadata: name, version, extensions', responses: { 200: reply('the server', { type: 'object' }) } } },
    '/v2/health/live': { get: { tags: ['Open Inference Protocol'], summary: 'Liveness', security: [], responses: { 200: reply('live', { type: 'object' }) } } },
    '/v2/health/ready': { get: { tags: ['Open Inference Protocol'], summary: 'Readiness: 200 once every model is loaded', security: [], responses: { 200: reply('ready', { type: 'object' }), 503: reply('loading or draining', { type: 'object' }) } } },
  };
  for (const [prefix, params] of [['/v2/models/{model}', [modelParam]], ['/v2/models/{model}/versions/{version}', [modelParam, versionParam]]] as const) {
    paths[prefix] = { get: { tags: ['Open Inference Protocol'], summary: 'Model metadata', parameters: params, responses: { 200: metadata, 404: errors[404] } } };
    paths[`${prefix}/ready`] = { get: { tags: ['Open Inference Protocol'], summary: 'Model readiness', parameters: params, responses: { 200: reply('ready', { type: 'object' }), 404: errors[404] } } };
    paths[`${prefix}/infer`] = { ...infer, post: { ...infer.post, operationId: params.length === 1 ? 'infer' : 'infer_version', parameters: params } };
  }
  if (input.repository) {
    paths['/v2/repository/index'] = { post: { tags: ['Open Inference Protocol'], summary: 'The model files under the model folders, loaded or not', responses: { 200: reply('the index', { type: 'array' }) } } };
    for (const action of ['load', 'unload']) {
      paths[`/v2/repository/models/{model}/${action}`] = { post: { tags: ['Open Inference Protocol'], summary: `${action === 'load' ? 'Load' : 'Unload'} a model at runtime`, parameters: [modelParam], responses: { 200: reply('done', { type: 'object' }), 400: errors[400], 404: errors[404] } } };
    }
  }
  return paths;
}

function servicePaths(): Record<string, Json> {
  const open = { security: [] };
  return {
    '/healthz': { get: { tags: ['Service'], summary: 'Liveness', ...open, responses: { 200: reply('alive', { type: 'object' }) } } },
    '/readyz': { get: { tags: ['Service'], summary: 'Readiness: 503 while loading or draining', ...open, responses: { 200: reply('ready', { type: 'object' }), 503: reply('loading or draining', { type: 'object' }) } } },
    '/modules': { get: { tags: ['Service'], summary: 'The served modules with their arguments', responses: { 200: reply('the modules', { type: 'array' }) } } },
    '/metrics': { get: { tags: ['Service'], summary: 'Prometheus metrics', responses: { 200: { description: 'text format', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
    '/openapi.json': { get: { tags: ['Service'], summary: 'This document', responses: { 200: reply('OpenAPI 3.1', { type: 'object' }) } } },
  };
}

export function openApiDocument(input: DocumentInput): Json {
  const predict = Object.fromEntries([...input.modules].sort(([a], [b]) => a.localeCompare(b)).map(([name, served]) => [`/predict/${name}`, predictOperation(name, served)]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hub Serving',
      version: input.version,
      description: 'PaddleHub-compatible prediction routes (POST /predict/<module>, reply {"msg", "results", "status"}) and the Open Inference Protocol (/v2).',
    },
    paths: { ...predict, ...v2Paths(input), ...servicePaths() },
    components: {
      schemas: { Envelope: ENVELOPE, V2Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } } },
      ...(input.apiKey ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } } : {}),
    },
    ...(input.apiKey ? { security: [{ bearer: [] }, { apiKey: [] }] } : {}),
  };
}
