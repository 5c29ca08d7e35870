#!/usr/bin/env node
// Builds the playground (web/) into dist/web: one minified script and one stylesheet with content hashes in
// their names (cached for a year by the server), and index.html pointing at them. Run by `npm run build:web`,
// and so by `npm install` (prepare), `npm test` (pretest) and `npm run build`.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  // An install without esbuild (--omit=optional breaks its binary) keeps the dist/web it shipped with.
  console.warn('build-web: esbuild is not installed; the playground is not rebuilt (npm install)');
  process.exit(0);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'web');
const out = join(root, 'dist', 'web');

const hashed = (name, ext, text) => `${name}-${createHash('sha256').update(text).digest('hex').slice(0, 10)}.${ext}`;

const [js, css] = await Promise.all([
  build({
    entryPoints: [join(src, 'src', 'main.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    write: false,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  }),
  build({
    entryPoints: [join(src, 'src', 'style.css')],
    bundle: true,
    minify: true,
    write: false,
    logLevel: 'warning',
  }),
]);

const script = js.outputFiles[0].text;
const style = css.outputFiles[0].text;
const scriptName = hashed('app', 'js', script);
const styleName = hashed('app', 'css', style);
const html = readFileSync(join(src, 'index.html'), 'utf8')
  .replace('%SCRIPT%', `/web/${scriptName}`)
  .replace('%STYLE%', `/web/${styleName}`);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, scriptName), script);
writeFileSync(join(out, styleName), style);
writeFileSync(join(out, 'index.html'), html);
console.log(`built dist/web: index.html ${html.length} B, ${scriptName} ${script.length} B, ${styleName} ${style.length} B`);
