import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { HUB_BIN } from '../helpers/cli.js';

// The first hour is quiet: no npm warning on every `npx hub`, no install script left unreviewed, no
// dependency whose engines exclude Node 20. Offline-safe: nothing here needs the registry.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  allowScripts?: Record<string, boolean>;
  overrides?: Record<string, unknown>;
};

function npm(args: string[]) {
  const env = { ...process.env };
  // A CI runner's own npm settings are not the project's; the project's .npmrc still applies.
  delete env.npm_config_onnxruntime_node_install;
  return spawnSync('npm', args, { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
}

describe('quiet install', () => {
  test('node bin/hub.js --version prints the version and no warning', () => {
    const r = spawnSync(process.execPath, [HUB_BIN, '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${pkg.version}\n`);
    assert.equal(r.stderr, '');
  });

  test('npm exec -- hub --version (what npx hub runs) prints no "npm warn" line', () => {
    const r = npm(['exec', '--prefer-offline', '--', 'hub', '--version']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkg.version);
    assert.doesNotMatch(r.stderr, /npm warn/i, r.stderr);
  });

  test('the .npmrc sets nothing npm does not know', () => {
    const r = npm(['config', 'list']);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Unknown (project|user|builtin) config/i, r.stderr);
  });

  test('every install script is reviewed in allowScripts; onnxruntime-node\'s CUDA download is denied', (t) => {
    assert.equal(pkg.allowScripts?.['onnxruntime-node'], false, 'onnxruntime-node\'s install script (the CUDA download) stays off');
    const r = npm(['install-scripts', 'ls']);
    if (r.status !== 0 && /Unknown command|unknown command/i.test(r.stdout + r.stderr)) {
      t.skip(`this npm (${npm(['--version']).stdout.trim()}) has no install-scripts command`);
      return;
    }
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /No packages with unreviewed install scripts/, r.stdout);
    assert.doesNotMatch(r.stderr, /npm warn/i, r.stderr);
  });

  test('the packages whose install scripts are denied work without them', () => {
    const require = createRequire(join(ROOT, 'package.json'));
    const esbuild = require('esbuild') as { transformSync: (code: string, options: { loader: string }) => { code: string } };
    assert.equal(esbuild.transformSync('let a: number = 1', { loader: 'ts' }).code, 'let a = 1;\n');
    const protobuf = require('protobufjs') as { Root: new () => unknown };
    assert.ok(new protobuf.Root());
    const ort = require('onnxruntime-node') as { InferenceSession: unknown };
    assert.ok(ort.InferenceSession);
  });

  test('cookie, pulled in by fastify through light-my-request, is a version whose engines admit Node 20', () => {
    const require = createRequire(require_resolve_from(ROOT, 'light-my-request'));
    const cookie = JSON.parse(readFileSync(join(dirname(require.resolve('cookie')), '..', 'package.json'), 'utf8')) as { version: string; engines?: { node?: string } };
    const minimum = /^>=\s*(\d+)/.exec(cookie.engines?.node ?? '>=0')?.[1];
    assert.ok(Number(minimum) <= 20, `cookie@${cookie.version} requires node ${cookie.engines?.node}`);
    const { stringifySetCookie } = require('cookie') as { stringifySetCookie: (c: { name: string; value: string }) => string };
    assert.equal(stringifySetCookie({ name: 'a', value: 'b c' }), 'a=b%20c', 'the function light-my-request calls');
  });
});

function require_resolve_from(root: string, name: string): string {
  return createRequire(join(root, 'package.json')).resolve(name);
}
