import { hubError, type HubError } from '../../errors/catalogue.js';

// The Origin check. A browser sends Origin with every cross-origin POST, including the "simple" ones that
// need no preflight (a multipart form, text/plain): CORS only hides the answer from the page, the request
// itself would still run. So a request whose Origin is neither this server's own nor listed in cors_origins is
// refused before any work. Clients that are not browsers send no Origin and are not concerned.

/** scheme://host[:port] in lower case with the scheme's default port dropped, or undefined if not a URL origin. */
export function normalOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return `${url.protocol}//${url.host}`;
  } catch {
    return undefined;
  }
}

/** Host header as URL.host would write it for http or https (default port dropped, lower case). */
function hostForScheme(host: string, scheme: 'http:' | 'https:'): string | undefined {
  try {
    return new URL(`${scheme}//${host}`).host;
  } catch {
    return undefined;
  }
}

export interface OriginCheck {
  (origin: string | undefined, host: string | undefined): HubError | undefined;
  /** The origins CORS answers for (normalised), or true for any. */
  readonly cors: readonly string[] | true;
}

export function originCheck(corsOrigins: readonly string[]): OriginCheck {
  const any = corsOrigins.includes('*');
  const listed = new Set(corsOrigins.filter((o) => o !== '*').map((o) => (o.toLowerCase() === 'null' ? 'null' : normalOrigin(o) ?? o.toLowerCase())));
  const check = (origin: string | undefined, host: string | undefined) => {
    if (origin === undefined || any) return undefined;
    const normal = origin.trim().toLowerCase() === 'null' ? 'null' : normalOrigin(origin.trim());
    if (normal !== undefined && listed.has(normal)) return undefined;
    // Same origin: the page was served by this server under the name the request is addressed to.
    if (normal !== undefined && normal !== 'null' && host !== undefined) {
      const scheme = normal.startsWith('https:') ? 'https:' : 'http:';
      if (normal === `${scheme}//${hostForScheme(host.trim(), scheme)}`) return undefined;
    }
    const shown = origin.length > 100 ? `${origin.slice(0, 97)}...` : origin;
    return hubError('ORIGIN_NOT_ALLOWED', JSON.stringify(shown));
  };
  return Object.assign(check, { cors: any ? (true as const) : [...listed] });
}
