#!/usr/bin/env node
// Writes the option table (src/config/options.ts), the table of the other environment variables
// (src/config/environment.ts) and every module's argument table (from the arguments each module declares)
// into README.md between their markers. Run after `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { environmentMarkdown } from '../dist/src/config/environment.js';
import { optionsMarkdown } from '../dist/src/config/options.js';
import { argumentTablesMarkdown } from '../dist/src/modules/argument-tables.js';

const README = new URL('../README.md', import.meta.url);
const text = readFileSync(README, 'utf8');
let updated = text;
for (const [marker, table] of [['options', optionsMarkdown()], ['environment', environmentMarkdown()], ['arguments', argumentTablesMarkdown()]]) {
  const section = new RegExp(`(<!-- ${marker}:[^\\n]*-->\\n)[\\s\\S]*?(<!-- \\/${marker} -->)`);
  if (!section.test(updated)) {
    console.error(`README.md has no <!-- ${marker}: ... --> ... <!-- /${marker} --> markers`);
    process.exit(1);
  }
  updated = updated.replace(section, `$1${table}\n$2`);
}
writeFileSync(README, updated);
console.log(updated === text ? 'README.md already up to date' : 'README.md: tables written');
