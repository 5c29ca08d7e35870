import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { lacSkipReason, post, startServer, type RunningServer } from '../helpers/cli.js';
import { renderText, textRenderer } from '../media/render-text.js';
import { photo, photosSkipReason } from '../modules/centernet_mobilenet_v3_coco2017/photos.js';

// The playground at GET / in a real browser: Debian's chromium, headless, driven by playwright-core, against a
// server the CLI started with lac, OCR and the detector. The page may reach that server only: every other
// request is aborted and recorded. Screenshots go to docs/screenshots with UPDATE_SCREENSHOTS=1 (for the
// README), to a temporary folder otherwise.

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-quic', '--disable-sync'];
const OCR = 'chinese_ocr_db_crnn_mobile';
const DETECTOR = 'centernet_mobilenet_v3_coco2017';

/** Why this test cannot run here (undefined when it can); under CI a missing package is a failure. */
async function skipReason(): Promise<string | undefined> {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} is missing: apt-get install -y chromium`);
  // These fetch what is not installed (and fail themselves under CI when they cannot).
  const fetched = [(await textRenderer()).skip, await photosSkipReason(['dog']), await lacSkipReason()];
  missing.push(...fetched.filter((why): why is string => Boolean(why)));
  if (missing.length === 0) return undefined;
  const why = missing.join('; ');
  if (process.env.CI === 'true') throw new Error(`the playground test cannot run: ${why}`);
  console.warn(`\n*** SKIPPING the playground browser test: ${why} ***\n`);
  return why;
}

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1'
  ? fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url))
  : join(tmpdir(), `playground-screenshots-${process.pid}`);

describe('the playground at GET /, in headless chromium', { skip: await skipReason() }, () => {
  let server: RunningServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let profile = '';
  let origin = '';
  const blocked: string[] = [];
  /** Console errors, and whether the step that caused them expected a refusal from the server. */
  const consoleErrors: { text: string; expected: boolean }[] = [];
  let expectingRefusal = false;

  before(async () => {
    server = await startServer(['-m', 'lac', OCR, DETECTOR, '--host', '127.0.0.1'], {}, 900_000);
    origin = server.url;
    mkdirSync(SCREENSHOTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'playground-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
    });
    // The network is cut off from everything but the server.
    const allowed = new URL(origin).host;
    await context.route('**', (route) => {
      const url = new URL(route.request().url());
      if (url.host === allowed) return route.continue();
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    });
    page = context.pages()[0] ?? await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push({ text: m.text(), expected: expectingRefusal }); });
    page.on('pageerror', (e) => consoleErrors.push({ text: `page error: ${e.message}`, expected: false }));
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (server) assert.equal(await server.stop(), 0, 'the server exits 0 on SIGTERM');
    if (process.env.UPDATE_SCREENSHOTS !== '1') rmSync(SCREENSHOTS, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const open = async (module: string) => {
    await page.getByRole('link', { name: new RegExp(`^${module}\\b`) }).click();
    await page.getByRole('heading', { level: 2, name: new RegExp(`^${module}`) }).waitFor();
  };
  /** A file dropped on the drop zone, or pasted onto the page, as the browser delivers them. */
  const dropOrPaste = async (how: 'drop' | 'paste', name: string, type: string, bytes: Buffer) => {
    const transfer = await page.evaluateHandle(`((b64, name, type) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], name, { type }));
      return data;
    })(${JSON.stringify(bytes.toString('base64'))}, ${JSON.stringify(name)}, ${JSON.stringify(type)})`);
    if (how === 'drop') {
      await page.locator('.drop').dispatchEvent('dragover', { dataTransfer: transfer });
      await page.locator('.drop').dispatchEvent('drop', { dataTransfer: transfer });
    } else {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's globals (no DOM types here)
      await page.evaluate((data) => { const w = globalThis as any; w.document.body.dispatchEvent(new w.ClipboardEvent('paste', { clipboardData: data, bubbles: true })); }, transfer);
    }
  };
  const run = async (module: string) => {
    await page.getByRole('button', { name: `Run ${module}` }).click();
    await page.locator('.run-result .timing').waitFor();
    await page.getByRole('button', { name: `Run ${module}` }).and(page.locator(':not([disabled])')).waitFor();
  };

  test('GET / answers a browser with the page, other clients with the text index; assets are cached; nothing outside dist/web', async () => {
    const html = await fetch(`${origin}/`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type')!, /^text\/html/);
    assert.match(html.headers.get('content-security-policy')!, /default-src 'none'/);
    const page = await html.text();
    const asset = /src="(\/web\/app-[0-9a-f]+\.js)"/.exec(page)?.[1];
    assert.ok(asset, page);
    const script = await fetch(`${origin}${asset}`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type')!, /^text\/javascript/);
    assert.match(script.headers.get('cache-control')!, /immutable/);
    const etag = script.headers.get('etag')!;
    assert.equal((await fetch(`${origin}${asset}`, { headers: { 'if-none-match': etag } })).status, 304);

    const text = await fetch(`${origin}/`);
    assert.match(text.headers.get('content-type')!, /^text\/plain/);
    assert.match(await text.text(), /^Hub Serving\n\nModules:\n {2}POST \/predict\/lac/);
    for (const path of ['/web/..%2Fpackage.json', '/web/../package.json', '/web/index.html', '/web/nothing.js', '/web/%2e%2e%2fsrc']) {
      const reply = await fetch(`${origin}${path}`);
      assert.equal(reply.status, 404, path);
      assert.equal(((await reply.json()) as { status: string }).status, '117', path);
    }
  });

  test('the page lists the served modules from GET /modules, each form built from its arguments', async () => {
    await page.goto(`${origin}/`);
    const nav = page.getByRole('navigation', { name: 'Modules' });
    await nav.getByRole('link').first().waitFor();
    const served = (await (await fetch(`${origin}/modules`)).json()) as { name: string; task: string; version: string; summary: string }[];
    assert.deepEqual(await nav.getByRole('link').count(), served.length);
    for (const m of served) {
      const link = nav.getByRole('link', { name: new RegExp(`^${m.name}\\b`) });
      const text = await link.innerText();
      for (const part of [m.name, m.task, m.version]) assert.ok(text.includes(part), `${part} in ${text}`);
      assert.ok((await link.textContent())!.includes(m.summary));
    }
    // lac's arguments: every one has its labelled control.
    await open('lac');
    await page.getByLabel(/^text\b/).waitFor();
    await page.getByText('Arguments accepted for compatibility').click();
    for (const name of ['return_tag', 'batch_size', 'use_gpu']) assert.equal(await page.getByLabel(new RegExp(`^${name}\\b`)).count(), 1, name);
    // (Run in the page, where the DOM is: written as a string, since the tests compile without the DOM's types.)
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, textarea, select, button')]
      .filter((el) => el.labels?.length === 0 && !el.getAttribute('aria-label') && !(el.textContent ?? '').trim())
      .map((el) => el.outerHTML)`) as string[];
    assert.deepEqual(unlabelled, [], 'every control has a label');
  });

  test('lac: 今天是个好日子 gives 今天 TIME and 好日子 n, with a legend, the latency, Server-Timing and the snippets', async () => {
    await open('lac');
    // By keyboard: type the text, then Enter on the focused run button.
    await page.getByLabel(/^text\b/).fill('今天是个好日子');
    await page.getByRole('button', { name: 'Run lac' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.tokens').waitFor();
    const tagOf = (word: string) => page.locator('.tok', { has: page.locator('.w', { hasText: new RegExp(`^${word}$`) }) }).getAttribute('data-tag');
    assert.equal(await tagOf('好日子'), 'n');
    assert.equal(await tagOf('今天'), 'TIME');
    const legend = await page.locator('.legend').first().innerText();
    assert.match(legend, /TIME\s+time/);
    assert.match(legend, /n\s+common noun/);
    const timing = await page.locator('.timing').innerText();
    assert.match(timing, /\d+ ms round trip/);
    assert.match(timing, /queue [\d.]+ ms[\s\S]*infer [\d.]+ ms[\s\S]*total [\d.]+ ms/);
    const curl = await page.locator('.snippet').innerText();
    assert.ok(curl.includes(`${origin}/predict/lac`) && curl.includes(`'{"text":["今天是个好日子"]}'`), curl);
    await page.getByRole('tab', { name: 'Python requests' }).click();
    const python = await page.locator('.snippet').innerText();
    assert.match(python, /data = \{"text": \["今天是个好日子"\]\}\nr = requests\.post\("http:\/\/127\.0\.0\.1:\d+\/predict\/lac"/);
    await page.getByRole('tab', { name: 'curl' }).click();
    await shot('lac');
  });

  test('lac with an empty text box: the server refuses it, and the page shows the server\'s own message', async () => {
    await page.getByLabel(/^text\b/).fill('');
    expectingRefusal = true;
    await run('lac');
    expectingRefusal = false;
    const expected = (await post(`${origin}/predict/lac`, {})).body.msg;
    assert.ok(expected.length > 0);
    assert.equal(await page.getByRole('alert').locator('.msg').innerText(), expected);
    assert.match(await page.getByRole('alert').innerText(), /status 113, HTTP 400/);
  });

  test('OCR: a rendered text image comes back as its text, with its polygon drawn over the image', async () => {
    await open(OCR);
    const image = await renderText({ width: 640, height: 200, lines: [{ text: '你好世界', x: 40, y: 70 }, { text: '今天是个好日子', x: 40, y: 150 }] });
    await page.getByLabel(/Choose images/).setInputFiles({ name: 'text.jpg', mimeType: 'image/jpeg', buffer: image });
    await page.getByRole('list', { name: 'Images to send' }).getByText('text.jpg').waitFor();
    await run(OCR);
    await page.locator('.results-table').waitFor();
    const texts = await page.locator('.results-table td.label').allInnerTexts();
    assert.deepEqual(texts, ['你好世界', '今天是个好日子']);
    assert.equal(await page.locator('svg.overlay polygon').count(), 2);
    assert.match((await page.locator('svg.overlay').getAttribute('aria-label'))!, /今天是个好日子 0\.\d{3}/);
    // The slider filters live: at 1.00 nothing is left drawn, and everything comes back at 0.
    await page.getByLabel(/Show results with confidence/).fill('1');
    assert.equal(await page.locator('svg.overlay polygon').count(), 0);
    assert.equal(await page.locator('.count').innerText(), '0 of 2 shown');
    await page.getByLabel(/Show results with confidence/).fill('0');
    assert.equal(await page.locator('svg.overlay polygon').count(), 2);
    assert.match(await page.locator('.snippet').innerText(), /base64 -w0 'text\.jpg'[\s\S]*--data-binary @- http:\/\/127\.0\.0\.1:\d+\/predict\/chinese_ocr_db_crnn_mobile/);
    await shot('ocr');
  });

  test('detection: dog.jpg gets a labelled box around the dog', async () => {
    await open(DETECTOR);
    // Dropped on the drop zone, as a file dragged from the desktop.
    await dropOrPaste('drop', 'dog.jpg', 'image/jpeg', photo('dog'));
    await page.getByRole('list', { name: 'Images to send' }).getByText('dog.jpg').waitFor();
    assert.deepEqual(await page.getByRole('list', { name: 'Images to send' }).locator('.name').allInnerTexts(), ['dog.jpg']);
    await run(DETECTOR);
    await page.locator('svg.overlay g.shape[data-label="dog"] rect').first().waitFor();
    assert.match(await page.locator('svg.overlay g.shape[data-label="dog"] text').first().textContent() ?? '', /^dog \d+%$/);
    const labels = await page.locator('.results-table td.label').allInnerTexts();
    assert.ok(labels.includes('dog') && labels.includes('bicycle'), labels.join(', '));
    await page.getByRole('tab', { name: 'Python requests' }).click();
    assert.match(await page.locator('.snippet').innerText(), /IMAGE_0 = b64\("dog\.jpg"\)[\s\S]*data = \{"images": \[IMAGE_0\]\}/);
    await page.getByRole('tab', { name: 'curl' }).click();
    await shot('detection');
  });

  test('a file that is not an image: the server\'s message, naming the index', async () => {
    await page.getByRole('button', { name: 'Remove dog.jpg' }).click();
    // Pasted (Ctrl+V) onto the page.
    await dropOrPaste('paste', 'notes.txt', 'text/plain', Buffer.from('just some text, not a picture\n'));
    await page.getByRole('list', { name: 'Images to send' }).getByText('notes.txt').waitFor();
    expectingRefusal = true;
    await run(DETECTOR);
    expectingRefusal = false;
    const msg = await page.getByRole('alert').locator('.msg').innerText();
    const sent = await page.getByRole('list', { name: 'Images to send' }).locator('.name').allInnerTexts();
    assert.deepEqual(sent, ['notes.txt']);
    assert.match(msg, /^images\[0\]: not an image/);
    await shot('error');
  });

  test('at phone width the page fits the screen and still works', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open('lac');
    await page.getByRole('button', { name: '天气预报说今天要下雨' }).click();
    await run('lac');
    await page.locator('.tokens').waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as number;
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await shot('phone');
  });

  test('no console errors but the refusals asked for, and no request left the server', () => {
    const unexpected = consoleErrors.filter((e) => !e.expected || !/the server responded with a status of 400/.test(e.text));
    assert.deepEqual(unexpected, []);
    assert.deepEqual(blocked, [], 'the page asked for nothing but the server');
  });
});
