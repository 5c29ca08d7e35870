import { hostname, networkInterfaces } from 'node:os';
import { hubError } from '../../errors/catalogue.js';

// The Host header check. A web page can make a browser send requests to a name it controls that resolves to
// this machine (DNS rebinding); such requests carry the attacker's name in Host. Answering only the names the
// server is known by stops them, whatever the network path.

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** A Host header or a configured name to its comparable form: lower case, no port, no brackets, no zone, no final dot. */
export function hostName(value: string): string {
  let host = value.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    host = end < 0 ? host.slice(1) : host.slice(1, end);
  } else if (host.indexOf(':') === host.lastIndexOf(':')) {
    // One colon: name:port. Several: a bare IPv6 address (only in configured names; a Host header brackets it).
    const colon = host.indexOf(':');
    if (colon >= 0) host = host.slice(0, colon);
  }
  const zone = host.indexOf('%');
  if (zone >= 0) host = host.slice(0, zone);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** The names answered when none are configured: loopback, the listening address(es), the machine's hostname. */
export function defaultAllowedHosts(listenHost: string | undefined): string[] {
  const names = ['localhost', '127.0.0.1', '::1', hostname()];
  if (listenHost === undefined || WILDCARD_HOSTS.has(listenHost)) {
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) names.push(address.address);
    }
  } else {
    names.push(listenHost);
  }
  return names;
}

export interface HostCheck {
  /** Undefined when the Host is allowed; the refusal otherwise. */
  (host: string | undefined): ReturnType<typeof hubError> | undefined;
  readonly any: boolean;
  readonly names: readonly string[];
}

/** `*` allows any Host; `.example.com` allows example.com and its subdomains; other names match exactly. */
export function hostCheck(configured: readonly string[] | undefined, listenHost: string | undefined): HostCheck {
  const list = configured ?? defaultAllowedHosts(listenHost);
  const any = list.some((name) => name.trim() === '*');
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of list) {
    const name = entry.trim().toLowerCase();
    if (name.startsWith('.')) suffixes.push(hostName(name.slice(1)));
    else exact.add(hostName(name));
  }
  const check = (host: string | undefined) => {
    if (any) return undefined;
    if (host === undefined || host.trim() === '') return hubError('HOST_NOT_ALLOWED', '(none: the request has no Host header)');
    const name = hostName(host);
    if (exact.has(name) || suffixes.some((s) => name === s || name.endsWith(`.${s}`))) return undefined;
    return hubError('HOST_NOT_ALLOWED', JSON.stringify(host.length > 100 ? `${host.slice(0, 97)}...` : host));
  };
  return Object.assign(check, { any, names: [...exact, ...suffixes.map((s) => `.${s}`)] });
}
