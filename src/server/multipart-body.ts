import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hubError } from '../errors/catalogue.js';

// multipart/form-data for image modules: files arrive as Buffers under their field name (`images`, several
// allowed), and plain fields are read as JSON where they parse ("0.6" -> 0.6, "true" -> true), so a form
// upload reaches the module as the same arguments a JSON body would.

const received = Symbol('multipart bytes received');
type Counted = FastifyRequest & { [received]?: number };

export async function registerMultipart(app: FastifyInstance, bodyLimit: number): Promise<void> {
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: bodyLimit, files: 64, fields: 64, parts: 128, fieldSize: Math.min(bodyLimit, 1024 * 1024) },
    // The limit holds for the whole upload, not only for each file.
    async onFile(this: FastifyRequest, part: MultipartFile) {
      const request = this as Counted;
      const data = await part.toBuffer();
      request[received] = (request[received] ?? 0) + data.length;
      if (request[received]! > bodyLimit) throw hubError('BODY_TOO_LARGE', bodyLimit);
      (part as MultipartFile & { value: Buffer }).value = data;
    },
  });
}

function fieldValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The arguments of a multipart request; `images` is always a list. */
export function multipartArguments(body: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    args[key] = Array.isArray(value) ? value.map(fieldValue) : fieldValue(value);
  }
  if (args.images !== undefined && !Array.isArray(args.images)) args.images = [args.images];
  return args;
}
