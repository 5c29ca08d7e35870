import { z } from 'zod';
import { V2_DATATYPES, type V2Datatype } from './datatypes.js';
import { shapeProblem } from './shape.js';
import { TensorError, decodeBinaryTensor, decodeJsonTensor, type DecodedTensor } from './tensor-codec.js';

// An inference request of the Open Inference Protocol, in JSON or with the binary tensor extension (a JSON
// header of Inference-Header-Content-Length bytes, then each binary input's bytes in order), to decoded
// tensors and what the client asked back.

const inputSchema = z.object({
  name: z.string({ error: 'every input needs a "name"' }).min(1),
  shape: z.unknown(),
  datatype: z.enum(V2_DATATYPES as [V2Datatype, ...V2Datatype[]], { error: `"datatype" must be one of ${V2_DATATYPES.join(', ')}` }),
  parameters: z.object({ binary_data_size: z.number().int().min(0).optional() }).passthrough().optional(),
  data: z.unknown().optional(),
});

const outputSchema = z.object({
  name: z.string({ error: 'every requested output needs a "name"' }).min(1),
  parameters: z.object({ binary_data: z.boolean().optional() }).passthrough().optional(),
});

export const inferRequestSchema = z.object({
  id: z.string().optional(),
  parameters: z.object({ binary_data_output: z.boolean().optional() }).passthrough().optional(),
  inputs: z.array(inputSchema, { error: '"inputs" must be a list of tensors' }).min(1, { error: '"inputs" must name at least one tensor' }),
  outputs: z.array(outputSchema).optional(),
});

export interface RequestedOutput {
  name: string;
  binary: boolean;
}

export interface InferRequest {
  id?: string;
  parameters: Record<string, unknown>;
  inputs: DecodedTensor[];
  /** Undefined: every output of the model. */
  outputs?: RequestedOutput[];
  /** Outputs not named in `outputs` come back in binary form. */
  binaryOutput: boolean;
}

export interface InferLimits {
  /** Elements per input tensor. */
  maxElements: number;
}

/**
 * The JSON part and the binary part of a body. Without the header length the whole body is JSON; with it,
 * the length must lie within the body.
 */
export function splitBody(body: Uint8Array, headerLength: string | undefined): { json: Uint8Array; binary: Uint8Array } {
  if (headerLength === undefined) return { json: body, binary: new Uint8Array(0) };
  const length = Number(headerLength);
  if (!/^\d+$/.test(headerLength.trim()) || !Number.isSafeInteger(length) || length > body.byteLength) {
    throw new TensorError(`Inference-Header-Content-Length is ${JSON.stringify(headerLength)}; it must be a byte count within the body (${body.byteLength} bytes)`);
  }
  return { json: body.subarray(0, length), binary: body.subarray(length) };
}

/** Checks a parsed request and decodes its tensors; `binary` holds the bytes after the JSON header. */
export function decodeInferRequest(header: unknown, binary: Uint8Array, limits: InferLimits): InferRequest {
  const parsed = inferRequestSchema.safeParse(header);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TensorError(`${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  }
  const request = parsed.data;
  const names = new Set<string>();
  let offset = 0;
  const inputs = request.inputs.map((input) => {
    if (names.has(input.name)) throw new TensorError(`input ${input.name} is given twice`);
    names.add(input.name);
    const problem = shapeProblem(input.shape, limits.maxElements);
    if (problem) throw new TensorError(`input ${input.name}: ${problem}`);
    const shape = input.shape as number[];
    const size = input.parameters?.binary_data_size;
    if (size !== undefined) {
      if (input.data !== undefined) throw new TensorError(`input ${input.name}: give "data" or binary_data_size, not both`);
      if (offset + size > binary.byteLength) throw new TensorError(`input ${input.name}: binary_data_size ${size} goes past the end of the body`);
      const bytes = binary.subarray(offset, offset + size);
      offset += size;
      return decodeBinaryTensor(input.name, input.datatype, shape, bytes);
    }
    if (input.data === undefined) throw new TensorError(`input ${input.name}: "data" is missing`);
    return decodeJsonTensor(input.name, input.datatype, shape, input.data);
  });
  if (offset !== binary.byteLength) throw new TensorError(`the body has ${binary.byteLength - offset} bytes after the binary inputs that no input claims`);
  const binaryOutput = request.parameters?.binary_data_output === true;
  return {
    id: request.id,
    parameters: request.parameters ?? {},
    inputs,
    outputs: request.outputs?.map((o) => ({ name: o.name, binary: o.parameters?.binary_data ?? binaryOutput })),
    binaryOutput,
  };
}
