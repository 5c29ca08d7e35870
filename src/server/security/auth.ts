import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { hubError, type HubError } from '../../errors/catalogue.js';

// API keys. Every key given to the server and every key a request presents is hashed to 32 bytes, and the
// digests are compared with timingSafeEqual: equal lengths whatever the key, no early exit on the first
// differing byte, and every configured key compared, so the time taken says nothing about any key.

/** Routes answered without a key: the probes of orchestrators, which cannot send one. */
export function isOpenRoute(route: string | undefined): boolean {
  // The playground's page and files hold no data (the page asks for the key and sends it); `/` answers its
  // text index, which names the modules, only with a key (playground.ts checks it there).
  return route === '/healthz' || route === '/readyz' || route === '/' || route === '/web/:file' || (route !== undefined && route.startsWith('/v2/health/'));
}

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/** The key a request presents: `Authorization: Bearer <key>`, else `X-Api-Key: <key>`. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const bearer = /^Bearer[ \t]+(\S(?:.*\S)?)[ \t]*$/i.exec(authorization);
    if (bearer) return bearer[1];
  }
  const header = headers['x-api-key'];
  return typeof header === 'string' && header !== '' ? header : undefined;
}

export interface KeyCheck {
  /** Undefined when the request may pass; the 401 otherwise (with its WWW-Authenticate header). */
  (headers: IncomingHttpHeaders): HubError | undefined;
  readonly required: boolean;
}

export function keyCheck(keys: readonly string[]): KeyCheck {
  const digests = keys.map(digest);
  const check = (headers: IncomingHttpHeaders) => {
    if (digests.length === 0) return undefined;
    const key = presentedKey(headers);
    if (key !== undefined) {
      const presented = digest(key);
      let match = false;
      for (const known of digests) match = timingSafeEqual(presented, known) || match;
      if (match) return undefined;
    }
    return hubError('UNAUTHORIZED', key === undefined ? 'An API key is required' : 'The API key is not valid')
      .withHeaders({ 'www-authenticate': key === undefined ? 'Bearer' : 'Bearer error="invalid_token"' });
  };
  return Object.assign(check, { required: digests.length > 0 });
}
