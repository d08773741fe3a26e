import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decryptMessage } from '../src/crypto/openpgp.js';
import { Catalogue, type Lang } from '../src/public-site/messages.js';
import { SITE_CSP } from '../src/public-site/site-renderer.js';
import { listenOnLoopback, startTestApp, type TestApp } from './support/app.js';
import { axeViolations, launchChromium, waitFor, watchedPage } from './support/browser.js';
import { withClient } from './support/database.js';
import { makeTestKey, type TestKey } from './support/keys.js';
import { bearer, staffLogin, type StaffLogin } from './support/staff.js';

const catalogue = new Catalogue(new URL('../src/public-site/messages/', import.meta.url));
const MIN_SECONDS = 1;
/** Above 0, so the page solves a proof of work; low, so the tests stay quick. */
const TEST_DIFFICULTY = 12;
const KB = 1024;

/** axe results per page, language and JavaScript setting, printed at the end for the record. */
const axeTable: string[] = [];

async function tipRow(reference: string) {
  return withClient(
    async (c) =>
      (
        await c.query<{ id: string; payload: Buffer; attachment_count: number }>(
          'SELECT id, payload, attachment_count FROM tip WHERE reference = $1',
          [reference],
        )
      ).rows[0]!,
  );
}

/** The element that has focus: its id or its class. */
function focused(page: Page): Promise<string> {
  return page.evaluate(
    "(() => { const e = document.activeElement; return e ? (e.id || e.className || e.tagName) : ''; })()",
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('public site in Chromium', () => {
  let t: TestApp;
  let key: TestKey;
  let base: string;
  let browser: Browser;
  let analyst: StaffLogin;
  /** Audits pages of contexts without JavaScript (see axeViolations). */
  let auditor: BrowserContext;

  beforeAll(async () => {
    key = await makeTestKey();
    t = await startTestApp([key.publicKeyPath], {
      POW_DIFFICULTY: String(TEST_DIFFICULTY),
      SITE_MIN_SECONDS: String(MIN_SECONDS),
      ATTACHMENT_MAX_MB: '2',
      UPLOAD_MAX_MB: '5',
      ORGANISATION_NAME: 'Tipline test unit',
    });
    base = await listenOnLoopback(t);
    browser = await launchChromium();
    auditor = await browser.newContext({ javaScriptEnabled: true });
    analyst = await staffLogin(t, 'analyst');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (axeTable.length > 0) process.stdout.write(`\naxe (WCAG 2.2 AA):\n${axeTable.join('\n')}\n`);
  });

  /**
   * One person's whole visit: the form (and its error state), the receipt
   * (and its error state), the follow-up page with an analyst's reply, a
   * message (refused with the receipt in it, then accepted with a file), the
   * protection page. Every page is checked by axe, and the stored tip is
   * decrypted with the intake key.
   */
  async function visit(lang: Lang, js: boolean) {
    const tr = (k: string, v?: Record<string, number>) => catalogue.format(lang, k, v);
    const context = await browser.newContext({ javaScriptEnabled: js });
    const { page, watch } = await watchedPage(context);
    const axe = async (name: string) => {
      const violations = await axeViolations(page, js ? undefined : auditor);
      axeTable.push(`${name.padEnd(16)} ${lang} JS ${js ? 'on ' : 'off'}: ${violations.length}`);
      expect({ page: name, violations }).toEqual({ page: name, violations: [] });
    };
    const label = `${lang}-${js ? 'js' : 'nojs'}`;
    const typed = {
      narrative: `Narrative ${label}: a van <b>unloaded</b> crates at night & left. «ünïcødé» 🚐`,
      location: `Harbour road ${label}`,
      occurredAt: 'last Tuesday evening',
      peopleInvolved: 'Two men, one called "K"',
      organisationsInvolved: 'A freight company',
      contact: 'only via the receipt',
    };
    const files = [
      { name: `photo-${label}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(`jpeg ${label}`) },
      {
        name: `notes-${label}.txt`,
        mimeType: 'text/plain',
        buffer: Buffer.from(`notes ${label}\n`.repeat(1000)),
      },
    ];

    // The form.
    const first = await page.goto(`${base}/?lang=${lang}`);
    expect(first?.headers()['content-security-policy']).toBe(SITE_CSP);
    expect(first?.headers()['cache-control']).toBe('no-store');
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
    await expect(page.locator('h1').textContent()).resolves.toBe(tr('form.heading'));
    await expect(page.locator('.notice p').textContent()).resolves.toBe(tr('emergency.default'));
    await expect(page.locator('#files-hint').textContent()).resolves.toBe(
      tr('files.hint', { count: 10, perFile: 2, total: 5 }),
    );
    const formAction = () => page.getAttribute('form', 'action');
    if (js) {
      await waitFor(
        'the worker to solve the proof of work',
        async () => (await formAction()) === '/tip/with-proof',
      );
      await expect(page.locator('#pow [data-pow-status]').textContent()).resolves.toBe(
        tr('pow.done'),
      );
    } else {
      expect(await formAction()).toBe('/');
      expect(await page.locator('#pow').isHidden()).toBe(true);
    }
    await axe('form');
    if (!js) await page.screenshot({ path: `docs/site-form-${lang}.png`, fullPage: true });

    // The error state: what was typed stays, the summary takes focus and links to the fields.
    await page.fill('#location', typed.location);
    await sleep(MIN_SECONDS * 1000 + 100);
    await page.click('button[type=submit]');
    await page.waitForSelector('.errors');
    expect(await focused(page)).toBe('errors');
    expect(await page.inputValue('#location')).toBe(typed.location);
    const summary = await page
      .locator('.errors a')
      .evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    expect(summary).toEqual([
      ['#category', tr('errors.category')],
      ['#submitterUrgency', tr('errors.submitterUrgency')],
      ['#narrative', tr('errors.narrative')],
    ]);
    await expect(page.locator('#narrative-error').textContent()).resolves.toBe(
      tr('errors.narrative'),
    );
    await axe('form errors');

    // The whole form, two files.
    await page.check('#category-proliferation');
    await page.check('#urgency-days');
    for (const [field, value] of Object.entries(typed)) await page.fill(`#${field}`, value);
    await page.check('#allowReplies-yes');
    await page.setInputFiles('#files', files);
    await sleep(MIN_SECONDS * 1000 + 100);
    if (js) {
      await waitFor(
        'the second proof of work',
        async () => (await formAction()) === '/tip/with-proof',
      );
    }
    const [posted] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST'),
      page.click('button[type=submit]'),
    ]);
    expect(new URL(posted.url()).pathname).toBe(js ? '/tip/with-proof' : '/');
    await page.waitForSelector('.receipt');

    // The receipt page.
    const response = await posted.response();
    expect(response?.status()).toBe(201);
    expect(response?.headers()['cache-control']).toBe('no-store');
    await expect(page.locator('h1').textContent()).resolves.toBe(tr('receipt.heading'));
    const receipt = (await page.locator('.receipt').textContent())!.trim();
    const reference = (await page.locator('.reference span').textContent())!.trim();
    expect(receipt.split(' ')).toHaveLength(8);
    expect(reference).toMatch(/^TIP-/);
    expect(await page.getAttribute('.receipt', 'lang')).toBe('en');
    expect(await page.getAttribute('.receipt', 'dir')).toBe('ltr');
    expect(page.url()).toBe(posted.url());
    expect(page.url()).not.toContain(receipt.split(' ')[0]!);
    await axe('receipt');
    if (!js) await page.screenshot({ path: `docs/site-receipt-${lang}.png`, fullPage: true });

    // Its confirmation: the fourth word.
    await page.fill('#word', receipt.split(' ')[2]!);
    await page.click('button[type=submit]');
    await page.waitForSelector('.errors');
    expect(await focused(page)).toBe('errors');
    await expect(page.locator('#word-error').textContent()).resolves.toBe(
      tr('receipt.confirm.wrong'),
    );
    expect((await page.locator('.receipt').textContent())!.trim()).toBe(receipt);
    await axe('receipt errors');
    await page.fill('#word', receipt.split(' ')[3]!.toUpperCase());
    await page.click('button[type=submit]');
    await page.locator('h1', { hasText: tr('done.heading') }).waitFor();
    await axe('done');

    // What was stored decrypts, with the intake key, to exactly what was typed.
    const row = await tipRow(reference);
    expect(row.attachment_count).toBe(2);
    const stored = JSON.parse(
      Buffer.from(await decryptMessage(row.payload, key.privateKey)).toString('utf8'),
    );
    expect(stored).toMatchObject({ category: 'proliferation', submitterUrgency: 'days', ...typed });
    expect(stored.attachments.map((a: { name: string; size: number }) => [a.name, a.size])).toEqual(
      files.map((f) => [f.name, f.buffer.length]),
    );
    for (const [i, f] of files.entries()) {
      const raw = await request(t.server)
        .get(`/v1/triage/tips/${row.id}/attachments/${i + 1}`)
        .set(...bearer(analyst))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(Buffer.from(await decryptMessage(raw.body as Buffer, key.privateKey))).toEqual(
        f.buffer,
      );
    }

    // An analyst replies through the staff API.
    const replyText = `Reply for ${label}: thank you, when did you see it?`;
    await request(t.server)
      .post(`/v1/triage/tips/${row.id}/replies`)
      .set(...bearer(analyst))
      .send({ body: replyText })
      .expect(201);

    // The follow-up page: its error state, then the check-in.
    await page.goto(`${base}/follow-up?lang=${lang}`);
    await axe('follow-up');
    await page.click('button[type=submit]');
    await page.waitForSelector('.errors');
    expect(await focused(page)).toBe('errors');
    await axe('follow-up errors');
    await page.fill('#receipt', 'abandon ability able about above absent absorb abstract');
    await page.click('button[type=submit]');
    await page.locator('#receipt-error', { hasText: tr('followUp.notFound') }).waitFor();
    await page.fill('#receipt', receipt);
    const [checkIn] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST'),
      page.click('button[type=submit]'),
    ]);
    expect(checkIn.url()).toBe(`${base}/follow-up`);
    await page.waitForSelector('.thread');
    await expect(page.locator('.thread .analyst .body').textContent()).resolves.toBe(replyText);
    await expect(page.locator('dl.status dd').nth(1).textContent()).resolves.toBe(
      tr('status.received'),
    );
    await axe('thread');

    // A message holding its own receipt is refused, with the reason.
    await page.fill('#body', `My words are ${receipt}, in case you need them.`);
    await sleep(MIN_SECONDS * 1000 + 100);
    if (js) {
      await waitFor(
        'the message proof of work',
        async () => (await formAction()) === '/follow-up/message/with-proof',
      );
    }
    await page.click('button[type=submit]');
    await page.waitForSelector('.errors');
    await expect(page.locator('#body-error').textContent()).resolves.toBe(
      tr('errors.bodyHasReceipt'),
    );
    await axe('thread errors');

    // A message with a file.
    const messageText = `More for ${label}: the van was white.`;
    await page.fill('#body', messageText);
    await page.setInputFiles('#files', [
      { name: 'more.txt', mimeType: 'text/plain', buffer: Buffer.from('more') },
    ]);
    await sleep(MIN_SECONDS * 1000 + 100);
    if (js) {
      await waitFor(
        'the message proof of work',
        async () => (await formAction()) === '/follow-up/message/with-proof',
      );
    }
    await page.click('button[type=submit]');
    await page.waitForSelector('.ok');
    await expect(page.locator('.ok').textContent()).resolves.toBe(tr('message.sent'));
    await expect(page.locator('.thread .you .body').textContent()).resolves.toBe(messageText);
    await axe('thread sent');
    expect((await tipRow(reference)).attachment_count).toBe(3);

    await page.goto(`${base}/protect?lang=${lang}`);
    await expect(page.locator('h1').textContent()).resolves.toBe(tr('protect.heading'));
    await axe('protect');

    // Nothing left the origin, no cookie was set, no CSP violation was reported.
    expect(watch.requests.filter((u) => !u.startsWith(`${base}/`))).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    expect(watch.console.filter((m) => /Content Security Policy|pageerror/i.test(m))).toEqual([]);
    await context.close();
    return { watch };
  }

  it('English without JavaScript: a tip with two files, the receipt, a reply, a message', async () => {
    await visit('en', false);
  }, 180_000);

  it('English with JavaScript: the proof of work is solved in a worker and sent', async () => {
    const { watch } = await visit('en', true);
    expect(watch.requests.some((u) => /\/assets\/pow-worker\.[0-9a-f]{12}\.js$/.test(u))).toBe(
      true,
    );
  }, 180_000);

  it('Arabic without JavaScript renders right to left, mirrored', async () => {
    await visit('ar', false);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/?lang=ar`);
    // Logical properties: the notice's bar is on the right, text starts on the right.
    const style = await page.evaluate(
      "(() => { const s = getComputedStyle(document.querySelector('.notice')); return [s.borderRightWidth, s.borderLeftWidth, s.direction]; })()",
    );
    expect(style).toEqual(['6px', '0px', 'rtl']);
    await context.close();
  }, 180_000);

  it('Arabic with JavaScript', async () => {
    await visit('ar', true);
  }, 180_000);

  it('Welsh and Polish pages speak their language', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    for (const lang of ['cy', 'pl'] as const) {
      await page.goto(`${base}/?lang=${lang}`);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      await expect(page.locator('h1').textContent()).resolves.toBe(
        catalogue.format(lang, 'form.heading'),
      );
    }
    // Accept-Language is a first guess; the switcher's links are plain links, named in their language.
    const guessed = await browser.newContext({ javaScriptEnabled: false, locale: 'pl-PL' });
    const p2 = await guessed.newPage();
    await p2.goto(`${base}/`);
    expect(await p2.getAttribute('html', 'lang')).toBe('pl');
    await p2.click('a[hreflang=cy]');
    expect(new URL(p2.url()).search).toBe('?lang=cy');
    expect(await p2.getAttribute('html', 'lang')).toBe('cy');
    expect(await p2.inputValue('input[name=lang]')).toBe('cy');
    await guessed.close();
    await context.close();
  }, 60_000);

  it('reflows at 320 CSS pixels without sideways scrolling, in English and Arabic', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 320, height: 640 },
    });
    const page = await context.newPage();
    for (const path of ['/?lang=en', '/?lang=ar', '/follow-up?lang=ar', '/protect?lang=en']) {
      await page.goto(`${base}${path}`);
      const [scroll, client] = await page.evaluate<[number, number]>(
        '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
      );
      expect({ path, scroll }).toEqual({ path, scroll: client });
    }
    await context.close();
  }, 60_000);

  it('with JavaScript on but no worker, the form still goes through the path without proof', async () => {
    const context = await browser.newContext({ javaScriptEnabled: true });
    const page = await context.newPage();
    await page.route('**/assets/pow-worker.*.js', (route) => route.abort());
    await page.goto(`${base}/`);
    await page
      .locator('#pow [data-pow-status]', { hasText: catalogue.format('en', 'pow.failed') })
      .waitFor();
    expect(await page.getAttribute('form', 'action')).toBe('/');
    await page.check('#category-cyber');
    await page.check('#urgency-unknown');
    await page.fill('#narrative', 'Sent after the worker failed to load.');
    await sleep(MIN_SECONDS * 1000 + 100);
    const [posted] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST'),
      page.click('button[type=submit]'),
    ]);
    expect(new URL(posted.url()).pathname).toBe('/');
    await page.waitForSelector('.receipt');
    await context.close();
  }, 60_000);

  it('the form page with all its assets weighs under 100 KB', async () => {
    const context = await browser.newContext({ javaScriptEnabled: true });
    const page = await context.newPage();
    const responses: Promise<number>[] = [];
    page.on('requestfinished', (r) =>
      responses.push(r.sizes().then((s) => s.responseBodySize + s.responseHeadersSize)),
    );
    await page.goto(`${base}/`);
    await waitFor(
      'the proof of work',
      async () => (await page.getAttribute('form', 'action')) === '/tip/with-proof',
    );
    const sizes = await Promise.all(responses);
    const total = sizes.reduce((a, b) => a + b, 0);
    process.stdout.write(`\nform page weight: ${sizes.length} responses, ${total} bytes\n`);
    expect(sizes.length).toBeGreaterThanOrEqual(4); // page, stylesheet, script, worker
    expect(total).toBeLessThan(100 * KB);
    // Assets: hashed names, cached for a year; the page itself never.
    const css = await request(t.server)
      .get(new URL((await page.getAttribute('link[rel=stylesheet]', 'href'))!, base).pathname)
      .expect(200);
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    await request(t.server).get('/assets/site.000000000000.css').expect(404);
    await context.close();
  }, 60_000);

  it('a keyboard alone submits a tip', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)})`))
          return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await tabTo('input[name=category]');
    await page.keyboard.press('ArrowDown'); // the second category, chosen by arrow key
    await tabTo('input[name=submitterUrgency]');
    await page.keyboard.press('Space');
    await tabTo('#narrative');
    await page.keyboard.type('Typed with the keyboard only.');
    await tabTo('button[type=submit]');
    await sleep(MIN_SECONDS * 1000 + 100);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.receipt');
    const receipt = (await page.locator('.receipt').textContent())!.trim();
    await tabTo('#word');
    await page.keyboard.type(receipt.split(' ')[3]!);
    await page.keyboard.press('Enter');
    await page.locator('h1', { hasText: catalogue.format('en', 'done.heading') }).waitFor();
    await context.close();
  }, 60_000);

  it('explains a file that is too large next to the files, keeps the text, stores nothing', async () => {
    const count = () =>
      withClient(async (c) => Number((await c.query('SELECT count(*) FROM tip')).rows[0].count));
    const before = await count();
    const token = /name="token" value="([^"]+)"/.exec((await request(t.server).get('/')).text)![1]!;
    await sleep(MIN_SECONDS * 1000 + 100);
    const res = await request(t.server)
      .post('/')
      .field('lang', 'en')
      .field('token', token)
      .field('category', 'cyber')
      .field('submitterUrgency', 'weeks')
      .field('narrative', 'Kept after a refused upload')
      .field('allowReplies', 'no')
      .attach('files', Buffer.from('small'), 'small.txt')
      .attach('files', Buffer.alloc(3 * 1024 * 1024, 1), 'big.bin')
      .expect(413);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain(catalogue.format('en', 'errors.tooLarge'));
    expect(res.text).toContain('id="files-error"');
    expect(res.text).toContain('>Kept after a refused upload</textarea>');
    expect(res.text).toMatch(/id="allowReplies-no" value="no"[^>]* checked/);
    expect(await count()).toBe(before);

    // Eleven files: one too many.
    const again = /name="token" value="([^"]+)"/.exec(res.text)![1]!;
    await sleep(MIN_SECONDS * 1000 + 100);
    const many = request(t.server)
      .post('/')
      .field('lang', 'en')
      .field('token', again)
      .field('category', 'cyber')
      .field('submitterUrgency', 'weeks')
      .field('narrative', 'Eleven files')
      .field('allowReplies', 'yes');
    for (let i = 0; i < 11; i++) void many.attach('files', Buffer.from(`f${i}`), `f${i}.txt`);
    const tooMany = await many.expect(413);
    expect(tooMany.text).toContain(catalogue.format('en', 'errors.tooMany', { count: 10 }));
    expect(await count()).toBe(before);
  }, 60_000);

  it('refuses a replayed form, a filled honeypot and a form sent too soon, storing nothing', async () => {
    const count = () =>
      withClient(async (c) => Number((await c.query('SELECT count(*) FROM tip')).rows[0].count));
    const page = await request(t.server).get('/').expect(200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
    const before = await count();
    const send = (fields: Record<string, string>) => {
      const r = request(t.server).post('/');
      for (const [k, v] of Object.entries({
        lang: 'en',
        token,
        category: 'cyber',
        submitterUrgency: 'days',
        narrative: 'replay test',
        allowReplies: 'yes',
        ...fields,
      }))
        void r.field(k, v);
      return r;
    };
    const early = await send({}).expect(400);
    expect(early.text).toContain(catalogue.format('en', 'errors.form.too_fast'));
    await sleep(MIN_SECONDS * 1000 + 100);
    const trapped = await send({ website: 'http://spam.example' }).expect(400);
    expect(trapped.text).toContain(catalogue.format('en', 'errors.refused'));
    await send({}).expect(201);
    const replay = await send({}).expect(409);
    expect(replay.text).toContain(catalogue.format('en', 'errors.form.used'));
    expect(await count()).toBe(before + 1);
    // The path with proof needs a real proof.
    const noProof = await request(t.server)
      .post('/tip/with-proof')
      .field('lang', 'en')
      .field(
        'token',
        /name="token" value="([^"]+)"/.exec((await request(t.server).get('/')).text)![1]!,
      )
      .field('pow', 'nonsense:1')
      .field('category', 'cyber')
      .field('submitterUrgency', 'days')
      .field('narrative', 'x');
    expect(noProof.status).toBe(400);
    expect(await count()).toBe(before + 1);
  }, 60_000);
});

describe('public site limits and switches', () => {
  it('limits the path without proof of work per address, more strictly than the API', async () => {
    const key = await makeTestKey();
    const t = await startTestApp([key.publicKeyPath], {
      SITE_NOJS_RATE_LIMIT: '2',
      SITE_MIN_SECONDS: '0',
    });
    try {
      for (let i = 0; i < 2; i++) await request(t.server).post('/').field('lang', 'en').expect(400);
      const limited = await request(t.server).post('/').field('lang', 'en').expect(429);
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      expect(limited.headers['content-type']).toContain('text/html');
      expect(limited.text).toContain(catalogue.format('en', 'errors.rateLimited'));
      // The API and the pages are not affected.
      await request(t.server).get('/').expect(200);
    } finally {
      await t.close();
    }
  });

  it('PUBLIC_SITE=off: / is a 404 in the JSON error shape, as for the API alone', async () => {
    const key = await makeTestKey();
    const t = await startTestApp([key.publicKeyPath], { PUBLIC_SITE: 'off' });
    try {
      for (const path of ['/', '/follow-up', '/protect']) {
        const res = await request(t.server).get(path).expect(404);
        expect(res.body.error.code).toBe('not_found');
      }
    } finally {
      await t.close();
    }
  });
});

describe('proof of work at the production difficulty', () => {
  it('is solved by the worker in headless Chromium (measured once, for the record)', async () => {
    const key = await makeTestKey();
    const t = await startTestApp([key.publicKeyPath], { POW_DIFFICULTY: '18' });
    const browser = await launchChromium();
    try {
      const base = await listenOnLoopback(t);
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${base}/`);
      await waitFor(
        'the worker to solve a difficulty-18 proof of work',
        async () => (await page.getAttribute('form', 'data-pow-ms')) !== null,
        120_000,
      );
      const ms = Number(await page.getAttribute('form', 'data-pow-ms'));
      const tries = Number(await page.getAttribute('form', 'data-pow-tries'));
      // The number of hashes is luck; the rate is the machine's. 2^18 hashes are expected.
      const rate = tries / Math.max(ms, 1);
      process.stdout.write(
        `\nproof of work, difficulty 18, headless Chromium: ${ms} ms for ${tries} hashes ` +
          `(${Math.round(rate * 1000)} hashes/s; expected ${Math.round(2 ** 18 / rate)} ms)\n`,
      );
      expect(ms).toBeGreaterThan(0);
      expect(await page.getAttribute('form', 'action')).toBe('/tip/with-proof');
    } finally {
      await browser.close();
      await t.close();
    }
  }, 180_000);
});
