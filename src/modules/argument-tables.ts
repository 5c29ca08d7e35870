import { moduleDefinitions } from './registry.js';

// The README's tables of each module's arguments, made from the same declarations that validate requests, so the
// two cannot disagree (a test compares them; `npm run readme` writes them).

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function shownDefault(row: { default: unknown; required?: boolean }): string {
  if (row.required) return 'required';
  return row.default === undefined ? '' : `\`${JSON.stringify(row.default)}\``;
}

/** One table per module: argument, type, default, help. */
export function argumentTablesMarkdown(): string {
  return moduleDefinitions.map((definition) => {
    const rows = definition.describeArgs().map((row) => `| \`${row.name}\` | ${cell(row.type)} | ${shownDefault(row)} | ${cell(row.help)} |`);
    return [`#### \`${definition.manifest.name}\``, '', '| argument | type | default | |', '|---|---|---|---|', ...rows].join('\n');
  }).join('\n\n');
}
