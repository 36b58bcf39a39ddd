import { afterAll, beforeAll, expect, it } from 'vitest';
import { prepareDevice, revokeDevice } from '../../src/services/staff/manage-devices.ts';
import { describeBrowser, openBrowser, screenshotPath, startServer, type OpenBrowser, type RunningServer } from './browser.ts';

describeBrowser('agent app in Chromium: offline queue, reload, sync exactly once', () => {
  let server: RunningServer;
  let browser: OpenBrowser;

  beforeAll(async () => {
    server = await startServer();
    browser = await openBrowser({ viewport: { width: 1024, height: 900 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('enrols, queues 20 registrations with the network cut, survives a reload, and sends each once when the network returns', async () => {
    const { ctx, origin } = server;
    const prepared = await prepareDevice(ctx, { name: 'tablet stade', site: 'niamey-stade', offlineDays: 7 }, 'system:test');
    if (prepared.status !== 'created') throw new Error('no device');
    const page = await browser.context.newPage();
    await page.goto(`${origin}/agent/`);
    await page.screenshot({ path: screenshotPath('agent-enrol') });
    await page.fill('#code', prepared.code);
    await page.click('button:has-text("Enrôler")');
    await page.waitForSelector('#givenName');
    // The app shell must be cached before the network goes.
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });

    await browser.context.setOffline(true);
    await page.waitForSelector('#net.off');

    // A minor is refused on the device, with the shared message, and nothing is queued.
    await page.fill('#givenName', 'Rabi');
    await page.fill('#familyName', 'Sani');
    await page.fill('#birthDate', '2015-02-03');
    await page.fill('#phone', '90 00 00 01');
    await page.check('input[name=roles][value=medical]');
    await page.check('#consent');
    await page.click('button.go');
    await expect.poll(() => page.textContent('#birthDate-err')).toContain('18 ans ou plus');
    expect(await page.locator('.outbox li').count()).toBe(0);

    const phones: string[] = [];
    for (let i = 0; i < 20; i++) {
      const phone = `+22791${String(100000 + i).slice(-6)}`;
      phones.push(phone);
      await page.fill('#givenName', `Hadiza${'abcdefghijklmnopqrst'[i]}`);
      await page.fill('#familyName', 'Garba');
      await page.fill('#birthDate', `19${70 + i}-0${(i % 9) + 1}-1${i % 10}`);
      await page.fill('#phone', phone);
      if (!(await page.isChecked('input[name=roles][value=medical]'))) await page.check('input[name=roles][value=medical]');
      await page.check('#consent');
      await page.click('button.go');
      await expect.poll(() => page.locator('.outbox li').count()).toBe(i + 1);
    }
    await expect.poll(() => page.locator('.outbox li[data-state=waiting]').count(), { timeout: 10_000 }).toBe(20);
    expect(await page.textContent('#counts')).toContain('20');
    await page.screenshot({ path: screenshotPath('agent-offline-queue') });
    const count = async () => Number((await ctx.database.db.selectFrom('volunteers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count()).toBe(0);

    // Still offline: the reload is served by the service worker, the outbox by IndexedDB.
    await page.reload();
    await page.waitForSelector('.outbox li');
    // A sync attempt may be under way ("sent"); with no network every record falls back to "waiting".
    await expect.poll(() => page.locator('.outbox li[data-state=waiting]').count(), { timeout: 20_000 }).toBe(20);
    expect(await count()).toBe(0);

    await browser.context.setOffline(false);
    await expect.poll(() => page.locator('.outbox li[data-state=registered]').count(), { timeout: 60_000 }).toBe(20);
    await page.screenshot({ path: screenshotPath('agent-synced') });

    const clientIds = await page.$$eval('.outbox li', (items) => items.map((li) => li.getAttribute('data-client-id')));
    const rows = await ctx.database.db.selectFrom('volunteers').select(['client_id', 'channel', 'site']).execute();
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.client_id))).toEqual(new Set(clientIds));
    expect(rows.every((r) => r.channel === 'agent' && r.site === 'niamey-stade')).toBe(true);
    // A second sync (a reload, the timer) sends nothing more.
    await page.reload();
    await page.waitForSelector('.outbox li');
    await page.click('text=Synchroniser maintenant');
    await page.waitForTimeout(500);
    expect(await count()).toBe(20);

    // Online, a person already registered (same phone) is answered as such on the record.
    await page.waitForSelector('#givenName');
    await page.fill('#givenName', 'Mariama');
    await page.fill('#familyName', 'Sani');
    await page.fill('#birthDate', '1988-04-04');
    await page.fill('#phone', phones[0] ?? '');
    if (!(await page.isChecked('input[name=roles][value=medical]'))) await page.check('input[name=roles][value=medical]');
    await page.check('#consent');
    await page.click('button.go');
    await expect.poll(() => page.locator('.outbox li[data-state=already]').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.textContent('.outbox li[data-state=already]')).toContain('Déjà inscrite');
    expect(await count()).toBe(20);

    // Revoked: the next sync is refused at once; the registration stays on the device, waiting, and the agent is told.
    expect(await revokeDevice(ctx, prepared.device.id, 'system:test', '127.0.0.1')).toBe(true);
    await page.fill('#givenName', 'Ramatou');
    await page.fill('#familyName', 'Sani');
    await page.fill('#birthDate', '1987-03-03');
    await page.fill('#phone', '+22791999999');
    await page.check('#consent');
    await page.click('button.go');
    await expect.poll(() => page.locator('[role=alert]').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.textContent('[role=alert]')).toContain('révoqué');
    // The alert and the outbox list are drawn apart: the list may show the refused attempt a moment later.
    await expect.poll(() => page.locator('.outbox li[data-state=waiting]').count(), { timeout: 20_000 }).toBe(1);
    expect(await count()).toBe(20);
  }, 180_000);
});
