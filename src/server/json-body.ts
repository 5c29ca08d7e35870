import type { FastifyInstance } from 'fastify';
import { hubError } from '../errors/catalogue.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies only, decoded strictly: invalid UTF-8 is refused rather than silently turned into U+FFFD,
 * which would feed the model characters the client never sent. Parsing keeps fastify's protection
 * against __proto__ and constructor keys.
 */
export function registerJsonParser(app: FastifyInstance, bodyLimit: number): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(hubError('BODY_NOT_JSON', 'the body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, (error, value) => {
      if (error) done(hubError('BODY_NOT_JSON', error.message), undefined);
      else done(null, value);
    });
  });
}
