import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Errors, errorLabel, type ErrorName } from '../../src/errors/catalogue.js';

// The error catalogue is the one source of every error reply, and docs/operations.md lists it for users: this
// holds the two together and keeps one code per meaning.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OPERATIONS = `${ROOT}docs/operations.md`;
/** A table row whose first cell is a code in backticks: | `113` | `invalid_argument` | 400 | meaning | what to do | */
const CODE_ROW = /^\|\s*`(\d{3})`\s*\|/;

interface Row {
  code: string;
  error: string;
  http: number;
  meaning: string;
}

function documentedRows(): Row[] {
  return readFileSync(OPERATIONS, 'utf8').split('\n').filter((line) => CODE_ROW.test(line)).map((line) => {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    assert.equal(cells.length, 5, `a row of code, error, HTTP, meaning, what to do: ${line}`);
    return { code: cells[0]!.replace(/`/g, ''), error: cells[1]!.replace(/`/g, ''), http: Number(cells[2]), meaning: cells[3]! };
  });
}

const entries = Object.entries(Errors) as [ErrorName, (typeof Errors)[ErrorName]][];

test('every code is three digits and belongs to exactly one entry', () => {
  const owners = new Map<string, string[]>();
  for (const [name, spec] of entries) {
    assert.match(spec.status, /^1\d\d$/, name);
    owners.set(spec.status, [...(owners.get(spec.status) ?? []), name]);
  }
  const shared = [...owners].filter(([, names]) => names.length > 1);
  assert.deepEqual(shared, [], 'codes shared by several entries');
});

test("PaddleHub's codes keep their meaning, and ours keep the numbers they had", () => {
  const kept: Partial<Record<ErrorName, string>> = {
    PREDICT_FAILED: '101', UNKNOWN_MODULE: '111', BODY_NOT_JSON: '112', INVALID_ARGUMENT: '113', UNSUPPORTED_MEDIA_TYPE: '114',
    BODY_TOO_LARGE: '115', METHOD_NOT_ALLOWED: '116', NOT_FOUND: '117', MODELS_LOADING: '118', TIMEOUT: '119', OVERLOADED: '124',
    UNAUTHORIZED: '126', ORIGIN_NOT_ALLOWED: '128',
  };
  for (const [name, code] of Object.entries(kept)) assert.equal(Errors[name as ErrorName].status, code, name);
});

test('names are snake case and distinct; statuses are 4xx or 5xx; Retry-After is a number of seconds', () => {
  const labels = entries.map(([name]) => errorLabel(name));
  for (const label of labels) assert.match(label, /^[a-z]+(_[a-z]+)*$/);
  assert.equal(new Set(labels).size, labels.length);
  for (const [name, spec] of entries) {
    assert.ok(spec.http >= 400 && spec.http < 600, name);
    assert.ok(spec.meaning.length > 0 && !spec.meaning.includes('|'), `${name}: a meaning that fits a table cell`);
    const retry = spec.headers['retry-after'];
    if (retry !== undefined) assert.match(retry, /^\d+$/, name);
  }
});

test("docs/operations.md's table and the catalogue agree, row for row", () => {
  const rows = documentedRows();
  const success = rows.filter((row) => row.code === '000');
  assert.deepEqual(success, [{ code: '000', error: '', http: 200, meaning: 'success' }]);
  const documented = rows.filter((row) => row.code !== '000');
  const catalogued: Row[] = entries.map(([name, spec]) => ({ code: spec.status, error: errorLabel(name), http: spec.http, meaning: spec.meaning }));
  const byCode = (a: Row, b: Row) => a.code.localeCompare(b.code);
  assert.deepEqual([...documented].sort(byCode), [...catalogued].sort(byCode));
});

test('the codes are tabled once: no other document keeps a table of them to drift', () => {
  const documents = [`${ROOT}README.md`, ...readdirSync(`${ROOT}docs`).filter((f) => f.endsWith('.md')).map((f) => `${ROOT}docs/${f}`)];
  const elsewhere = documents.filter((path) => path !== OPERATIONS && readFileSync(path, 'utf8').split('\n').some((line) => CODE_ROW.test(line)));
  assert.deepEqual(elsewhere, []);
});
