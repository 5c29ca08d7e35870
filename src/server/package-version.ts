import { readFileSync } from 'node:fs';

/** The version in package.json, as /v2 and `hub version` report it. */
export const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
