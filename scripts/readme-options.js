#!/usr/bin/env node
// Writes the option table (src/config/options.ts) into README.md between its markers. Run after `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { optionsMarkdown } from '../dist/src/config/options.js';

const README = new URL('../README.md', import.meta.url);
const text = readFileSync(README, 'utf8');
const updated = text.replace(/(<!-- options:[^\n]*-->\n)[\s\S]*?(\n<!-- \/options -->)/, `$1${optionsMarkdown()}$2`);
writeFileSync(README, updated);
console.log(updated === text ? 'README.md already up to date' : 'README.md: option table written');
