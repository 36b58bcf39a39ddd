import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MESSAGES } from '../../src/i18n/messages.ts';
import { describeBrowser, openBrowser, screenshotPath, startServer, type OpenBrowser, type RunningServer } from './browser.ts';

/** First load of the public page, everything included (HTML, CSS, JS, fonts), as transferred (gzipped). */
const BUDGET_BYTES = 60 * 1024;

describeBrowser('public registration page in Chromium', () => {
  let server: RunningServer;
  let browser: OpenBrowser;
  let noScript: OpenBrowser;

  beforeAll(async () => {
    server = await startServer();
    browser = await openBrowser();
    noScript = await openBrowser({ javaScriptEnabled: false, locale: 'ha' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await noScript?.close();
    await server?.stop();
  });

  const rowFor = (clientIdOrReference: string) =>
    server.ctx.database.db.selectFrom('volunteers').select(['reference', 'area', 'channel', 'client_id']).where('reference', '=', clientIdOrReference).executeTakeFirst();

  async function fillPerson(page: Page, birthDate: string, phone: string) {
    await page.fill('#givenName', 'Hadiza');
    await page.fill('#familyName', 'Garba');
    await page.fill('#birthDate', birthDate);
    await page.fill('#phone', phone);
    await page.check('input[name=roles][value=medical]');
    await page.check('#consent');
  }

  it('first load stays within 60 KB transferred, gzipped, everything included', async () => {
    const page = await browser.context.newPage();
    const sizes: { url: string; bytes: number; encoding: string | undefined }[] = [];
    page.on('requestfinished', (request) => {
      void (async () => {
        const response = await request.response();
        const s = await request.sizes();
        sizes.push({ url: request.url(), bytes: s.responseBodySize + s.responseHeadersSize, encoding: (await response?.allHeaders())?.['content-encoding'] });
      })();
    });
    await page.goto(`${server.origin}/register?lang=fr`, { waitUntil: 'networkidle' });
    await expect.poll(() => sizes.length).toBeGreaterThanOrEqual(3);
    const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
    console.log(`public page first load: ${sizes.length} requests, ${total} bytes transferred (budget ${BUDGET_BYTES})`, sizes.map((s) => `${new URL(s.url).pathname} ${s.bytes}`).join(', '));
    expect(sizes.map((s) => new URL(s.url).pathname).sort()).toEqual(expect.arrayContaining(['/register']));
    // Text is sent compressed: what is measured is what a phone on 2G downloads.
    expect(sizes.every((s) => s.encoding === 'gzip')).toBe(true);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
    // No web fonts: system fonts only.
    expect(sizes.some((s) => /\.(woff2?|ttf|otf)$/.test(s.url))).toBe(false);
  });

  it('with JavaScript: the place lists fill on demand, the registration ends with the reference', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/register?lang=fr`);
    await page.screenshot({ path: screenshotPath('public-form'), fullPage: false });
    await fillPerson(page, '1990-05-04', '+227 93 11 22 33');
    await page.selectOption('#region', 'NE006');
    await page.waitForSelector('#department option[value=NE006008]', { state: 'attached' });
    await page.selectOption('#department', 'NE006008');
    await page.waitForSelector('#commune option[value=NE006008004]', { state: 'attached' });
    await page.selectOption('#commune', 'NE006008004');
    // The "show the next list" button is only for pages without JavaScript.
    expect(await page.isVisible('button.next')).toBe(false);
    await page.click('button.go');
    await page.waitForSelector('#reference');
    const reference = (await page.textContent('#reference')) ?? '';
    await page.screenshot({ path: screenshotPath('public-done'), fullPage: true });
    expect(await rowFor(reference)).toMatchObject({ area: 'NE006008004', channel: 'web' });
    expect(await page.textContent('main')).toContain(MESSAGES.registered.fr.replace('{reference}', reference));
  });

  it('refuses a minor field by field, with the shared message, and stores nothing', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/register?lang=fr`);
    await fillPerson(page, '2012-01-01', '+227 93 11 22 44');
    await page.selectOption('#region', 'NE008');
    await page.click('button.go');
    await page.waitForSelector('#birthDate-err');
    expect(await page.textContent('#birthDate-err')).toBe(MESSAGES.under_minimum_age.fr.replace('{min}', '18'));
    expect(await page.getAttribute('#birthDate', 'aria-invalid')).toBe('true');
    // The summary takes the focus so a screen reader reads it first.
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('summary');
    await page.screenshot({ path: screenshotPath('public-refused-minor'), fullPage: false });
    const count = await server.ctx.database.db.selectFrom('volunteers').select((eb) => eb.fn.countAll().as('n')).where('area', '=', 'NE008').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('without JavaScript, in Hausa: a plain form post, the next place list by a button, the answer as a page', async () => {
    const page = await noScript.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.origin}/register`);
    expect(await page.getAttribute('html', 'lang')).toBe('ha');
    await fillPerson(page, '1985-11-30', '+227 93 11 22 55');
    await page.selectOption('#region', 'NE001');
    await page.click('button.next');
    await page.waitForSelector('#department option[value=NE001002]', { state: 'attached' });
    // What was typed is kept across the round trip.
    expect(await page.inputValue('#givenName')).toBe('Hadiza');
    await page.selectOption('#department', 'NE001002');
    await page.click('button.go');
    await page.waitForSelector('#reference');
    const reference = (await page.textContent('#reference')) ?? '';
    expect(await page.textContent('main')).toContain(MESSAGES.registered.ha.replace('{reference}', reference));
    await page.screenshot({ path: screenshotPath('public-done-no-js-ha'), fullPage: true });
    expect(await rowFor(reference)).toMatchObject({ area: 'NE001002', channel: 'web' });

    // A minor without JavaScript: the same refusal, in Hausa.
    await page.goto(`${server.origin}/register`);
    await fillPerson(page, '2012-01-01', '+227 93 11 22 66');
    await page.selectOption('#region', 'NE008');
    await page.click('button.go');
    await page.waitForSelector('#birthDate-err');
    expect(await page.textContent('#birthDate-err')).toBe(MESSAGES.under_minimum_age.ha.replace('{min}', '18'));
  }, 60_000);
});
