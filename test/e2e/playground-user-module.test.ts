import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { scaffoldModule } from '../../src/modules/user/scaffold.js';
import { startServer, type RunningServer } from '../helpers/cli.js';

// A user module in the playground, as a built-in is: `hub new module`'s folder served with -m, its form built
// from its own argument schemas, run from the page in Debian's chromium (headless, through playwright-core).

const CHROMIUM = '/usr/bin/chromium';

function skipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} is missing: apt-get install -y chromium`;
  if (process.env.CI === 'true') throw new Error(`the playground test cannot run: ${why}`);
  console.warn(`\n*** SKIPPING the playground test of a user module: ${why} ***\n`);
  return why;
}

describe('a user module in the playground', { skip: skipReason() }, () => {
  const root = mkdtempSync(join(tmpdir(), 'playground-user-'));
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    const folder = await scaffoldModule('flowers', root);
    server = await startServer(['-m', folder, '--host', '127.0.0.1']);
    context = await chromium.launchPersistentContext(join(root, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const allowed = new URL(server.url).host;
    await context.route('**', (route) => (new URL(route.request().url()).host === allowed ? route.continue() : route.abort('blockedbyclient')));
    page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });

  after(async () => {
    await context?.close();
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('its arguments get their controls; a run shows its results', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: /^flowers\b/ }).click();
    await page.getByRole('heading', { level: 2, name: /^flowers/ }).waitFor();
    const data = page.getByLabel(/^data\b/);
    await data.fill('[[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]');
    const topK = page.getByLabel(/^top_k\b/);
    assert.equal(await topK.getAttribute('type'), 'number', 'an integer argument gets a number field');
    await topK.fill('2');
    await page.getByRole('button', { name: 'Run flowers' }).click();
    await page.locator('.run-result .timing').waitFor();
    const shown = await page.locator('.run-result').innerText();
    assert.match(shown, /setosa|versicolor|virginica/);
    assert.match(shown, /score/);
    assert.deepEqual(errors, []);
  });
});
