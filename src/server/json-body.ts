import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import secureJson from 'secure-json-parse';
import { HubError, hubError } from '../errors/catalogue.js';
import { readBody } from './body/read-body.js';

// JSON bodies, read by readBody (cost by bytes, limit enforced) and decoded strictly: invalid UTF-8 is refused
// rather than silently turned into U+FFFD, which would feed the model characters the client never sent.
// Parsing keeps fastify's protection against __proto__ and constructor keys. A JSON body sent under another
// content type (curl -d sends application/x-www-form-urlencoded) is accepted as PaddleHub did; anything else
// there is 415.

/** Arrays and objects nested deeper than this are refused before anything recurses over them. */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether `[` and `{` outside strings nest deeper than `max`: one linear scan, no recursion. */
function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** JSON text to a value: depth checked first, then parsed without __proto__ or constructor keys. */
export function parseJsonText(text: string): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw hubError('NESTED_TOO_DEEP', MAX_JSON_DEPTH);
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }) as unknown;
  } catch (error) {
    throw hubError('BODY_NOT_JSON', (error as Error).message);
  }
}

function decode(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw hubError('BODY_NOT_JSON', 'the body is not valid UTF-8');
  }
}

export function registerJsonParser(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();

  app.addContentTypeParser('application/json', async (request: FastifyRequest, payload: Readable) => {
    const body = await readBody(payload, bodyLimit, request.headers['content-length']);
    if (body.length === 0) throw hubError('BODY_NOT_JSON', 'the body is empty');
    return parseJsonText(decode(body));
  });

  // Every other type (multipart has its own parser): JSON is accepted, anything else is 415.
  app.addContentTypeParser('*', async (request: FastifyRequest, payload: Readable) => {
    const body = await readBody(payload, bodyLimit, request.headers['content-length']);
    if (body.length === 0) throw hubError('BODY_NOT_JSON', 'the body is empty');
    const unsupported = hubError('UNSUPPORTED_MEDIA_TYPE', request.headers['content-type'] ?? '');
    let text: string;
    try {
      text = decode(body);
    } catch {
      throw unsupported;
    }
    if (!/^\s*[[{]/.test(text)) throw unsupported;
    try {
      return parseJsonText(text);
    } catch (error) {
      throw error instanceof HubError && error.errorName === 'NESTED_TOO_DEEP' ? error : unsupported;
    }
  });
}
