import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// A token that proves a server is the one its PID file names, where /proc cannot (macOS, BSD): the file holds
// a random token, the server holds the same, and a `hub serving stop` or `status` asks the server over loopback
// to sign a fresh challenge with it. The token itself never crosses the wire, so an answer proves possession
// and reveals nothing; a recycled pid or another program on the port cannot answer.

export const CHALLENGE_HEADER = 'x-hub-challenge';
export const PROOF_HEADER = 'x-hub-proof';

const CHALLENGE = /^[0-9a-f]{32,128}$/;
const PROBE_TIMEOUT_MS = 2000;

export const newIdentityToken = (): string => randomBytes(32).toString('hex');

/** The server's answer to a challenge, or undefined when the challenge is malformed. */
export function identityProof(token: string, challenge: string): string | undefined {
  return CHALLENGE.test(challenge) ? createHmac('sha256', token).update(challenge).digest('hex') : undefined;
}

function sameProof(expected: string, given: string | null): boolean {
  if (given === null || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/** The address a client on this machine reaches the server by. */
export function loopbackAddress(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Whether the server on `port` holds `token`: /healthz is asked to sign a random challenge. False on any other
 * answer, a refused connection or a timeout.
 */
export async function provesIdentity(host: string, port: number, token: string): Promise<boolean> {
  const challenge = randomBytes(16).toString('hex');
  try {
    const reply = await fetch(`http://${loopbackAddress(host)}:${port}/healthz`, {
      headers: { [CHALLENGE_HEADER]: challenge },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await reply.arrayBuffer();
    return sameProof(identityProof(token, challenge)!, reply.headers.get(PROOF_HEADER));
  } catch {
    return false;
  }
}
