import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HubError, hubError } from '../errors/catalogue.js';
import { parseJsonText } from './json-body.js';

// multipart/form-data for image modules: files arrive as Buffers under their field name (`images`, several
// allowed), and plain fields are read as JSON where they parse ("0.6" -> 0.6, "true" -> true), so a form
// upload reaches the module as the same arguments a JSON body would. The parts are read here rather than by
// the plugin's attachFieldsToBody, so every failure becomes a catalogue error: bytes over the limit are 413,
// too many files or fields is its own 400, and a malformed body (no boundary, unterminated) is 400, not 500.

export const MAX_FILES = 64;
export const MAX_FIELDS = 64;
const MAX_FIELD_BYTES = 1024 * 1024;

interface LimitError {
  code?: string;
  message?: string;
}

/** Any failure while reading the parts, as a catalogue error. */
function multipartError(error: unknown, bodyLimit: number): HubError {
  if (error instanceof HubError) return error;
  const e = (error ?? {}) as LimitError;
  switch (e.code) {
    case 'FST_FILES_LIMIT':
      return hubError('TOO_MANY_PARTS', 'files', MAX_FILES);
    case 'FST_FIELDS_LIMIT':
      return hubError('TOO_MANY_PARTS', 'fields', MAX_FIELDS);
    case 'FST_PARTS_LIMIT':
      return hubError('TOO_MANY_PARTS', 'parts', MAX_FILES + MAX_FIELDS);
    case 'FST_REQ_FILE_TOO_LARGE':
      return hubError('BODY_TOO_LARGE', bodyLimit);
    default:
      // busboy's own words ("Boundary not found", "Unexpected end of form"): short, and about the body.
      return hubError('MALFORMED_BODY', `the multipart body is malformed: ${String(e.message ?? error).slice(0, 200)}`);
  }
}

/**
 * Watches the body's last bytes for the closing delimiter (--boundary--): @fastify/multipart reads a body that
 * ends without it as complete when its last part is a field, which would pass a truncated form on as whole.
 */
function watchClosingDelimiter(request: FastifyRequest): () => boolean {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(request.headers['content-type'] ?? '');
  if (!boundary) return () => true; // busboy refuses the body itself
  const closing = Buffer.from(`--${boundary[1] ?? boundary[2]}--`);
  const keep = closing.length + 256; // room for trailing CRLF and a short epilogue
  let tail = Buffer.alloc(0);
  // A second reader beside busboy's pipe: both see every chunk, and busboy's backpressure pauses both.
  request.raw.on('data', (chunk: Buffer) => {
    tail = chunk.length >= keep ? Buffer.from(chunk.subarray(chunk.length - keep)) : Buffer.concat([tail.subarray(Math.max(0, tail.length + chunk.length - keep)), chunk]);
  });
  return () => tail.includes(closing);
}

export async function registerMultipart(app: FastifyInstance, bodyLimit: number): Promise<void> {
  const fieldSize = Math.min(bodyLimit, MAX_FIELD_BYTES);
  await app.register(multipart, {
    limits: { fileSize: bodyLimit, files: MAX_FILES, fields: MAX_FIELDS, parts: MAX_FILES + MAX_FIELDS, fieldSize },
  });

  app.addHook('preValidation', async (request: FastifyRequest) => {
    if (!request.isMultipart()) return;
    const body: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    // The limit holds for the whole upload, not only for each file.
    let received = 0;
    const terminated = watchClosingDelimiter(request);
    try {
      for await (const part of request.parts()) {
        let value: unknown;
        if (part.type === 'file') {
          value = await part.toBuffer();
          received += (value as Buffer).length;
        } else {
          if (part.valueTruncated) throw hubError('INVALID_ARGUMENT', `the form field "${part.fieldname.slice(0, 64)}" is longer than ${fieldSize} bytes`);
          value = part.value;
          received += typeof value === 'string' ? Buffer.byteLength(value) : 0;
        }
        if (received > bodyLimit) throw hubError('BODY_TOO_LARGE', bodyLimit);
        const previous = body[part.fieldname];
        if (previous === undefined) body[part.fieldname] = value;
        else if (Array.isArray(previous)) previous.push(value);
        else body[part.fieldname] = [previous, value];
      }
      if (!terminated()) throw hubError('MALFORMED_BODY', 'the multipart body is malformed: it ends before its closing boundary');
    } catch (error) {
      throw multipartError(error, bodyLimit);
    }
    request.body = body;
  });
}

function fieldValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return parseJsonText(value);
  } catch (error) {
    // Too deep is refused like in a JSON body; other text stays the string it was.
    if (error instanceof HubError && error.errorName === 'NESTED_TOO_DEEP') throw error;
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
