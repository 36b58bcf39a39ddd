import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StaffRole } from '../../src/access/principal.ts';
import { hashPassword } from '../../src/auth/passwords.ts';
import { currentTotp, newTotpSecret } from '../../src/auth/totp.ts';
import { advanceCallups } from '../../src/services/callups/callup-waves.ts';
import { createCallupDeps } from '../../src/services/callups/callup-deps.ts';
import { queueCallupQuestions } from '../../src/services/callups/callup-sending.ts';
import { createCallup } from '../../src/services/callups/callups.ts';
import { registerVolunteer } from '../../src/services/register-volunteer.ts';
import { createStaffUser } from '../../src/services/staff/manage-staff.ts';
import { registration } from '../fixtures.ts';
import { describeBrowser, GATEWAY_TOKEN, openBrowser, screenshotPath, startServer, type OpenBrowser, type RunningServer } from './browser.ts';

const PASSWORD = 'Tillaberi-lait-7-chameaux';

describeBrowser('console in Chromium: sign-in with TOTP, roster, volunteer, duplicate review, dashboard, call-ups, audit, admin', () => {
  let server: RunningServer;
  let browser: OpenBrowser;
  let passwordHash: string;

  beforeAll(async () => {
    // With the gateway's callbacks: call-up answers arrive as inbound SMS.
    server = await startServer({ gateway: true });
    browser = await openBrowser({ locale: 'en-GB', viewport: { width: 1280, height: 860 } });
    passwordHash = await hashPassword(PASSWORD);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A staff account ready to sign in (password set, TOTP on for the roles that need it). */
  async function staff(username: string, role: StaffRole, areas: string[] = []): Promise<{ username: string; secret: string | null }> {
    const { ctx } = server;
    const created = await createStaffUser(ctx, { username, role, areas, site: null }, 'system:test');
    if (created.status !== 'created') throw new Error(JSON.stringify(created));
    const secret = ['admin', 'coordinator', 'officer'].includes(role) ? newTotpSecret() : null;
    await ctx.database.write((trx) => ctx.staff.update(trx, created.user.id, { passwordHash, mustChangePassword: false, totpSecret: secret, totpLastStep: 0 }, new Date().toISOString()));
    return { username, secret };
  }

  async function signIn(page: Page, account: { username: string; secret: string | null }) {
    await browser.context.clearCookies();
    await page.goto(`${server.origin}/console/`);
    await page.fill('#username', account.username);
    await page.fill('#password', PASSWORD);
    if (account.secret) await page.fill('#totp', currentTotp(account.secret, new Date()));
    await page.click('form button');
    await page.waitForSelector('nav.main');
  }

  async function signOut(page: Page) {
    await page.click('header button:has-text("Sign out")');
    await page.waitForSelector('#username');
  }

  it('a coordinator signs in with a one-time code, finds a volunteer, reads the page, and merges a duplicate', async () => {
    const { ctx } = server;
    const source = { channel: 'web' as const, capturedBy: 'self' };
    for (let i = 0; i < 30; i++) {
      const outcome = await registerVolunteer(ctx, registration({ phone: `+22796${String(100000 + i).slice(-6)}`, area: i % 3 === 0 ? 'NE006002001' : 'NE008', roles: [i % 2 ? 'medical' : 'transport'], skills: [] }), source);
      expect(outcome.status).toBe('created');
    }
    const first = await registerVolunteer(ctx, registration({ phone: '+22797000001', givenName: 'Mahamadou', familyName: 'Issoufou', birthDate: '1990-05-05', area: 'NE006002001', roles: ['medical'], skills: ['nurse'] }), source);
    const second = await registerVolunteer(ctx, registration({ phone: '+22797000002', givenName: 'Mohamed', familyName: 'Issoufou', birthDate: undefined, birthYear: 1990, area: 'NE006002', roles: ['transport'], skills: ['driver'] }), source);
    if (first.status !== 'created' || second.status !== 'created') throw new Error('seed failed');
    expect(second.awaitingReview).toBe(true);

    const coordinator = await staff('coord.tillaberi', 'coordinator', ['NE006']);
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/console/`);
    await page.waitForSelector('#username');
    await page.screenshot({ path: screenshotPath('console-sign-in') });
    // Without the one-time code the server refuses, and says so.
    await page.fill('#username', coordinator.username);
    await page.fill('#password', PASSWORD);
    await page.click('form button');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('one-time code');
    await signIn(page, coordinator);
    await page.waitForSelector('#total');
    await page.screenshot({ path: screenshotPath('console-dashboard'), fullPage: true });
    // The coordinator sees the registrations of the region only (Tillabéri), on the map too.
    expect(await page.getAttribute('path[data-pcode=NE006]', 'data-count')).not.toBe('0');

    await page.click('nav.main button:has-text("Volunteers")');
    await page.waitForSelector('#roster');
    await page.selectOption('#filter-role', 'medical');
    await expect.poll(() => page.locator('#roster tbody tr').count()).toBeGreaterThan(0);
    const rows = await page.locator('#roster tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('Mahamadou Issoufou'))).toBe(true);
    expect(rows.every((r) => r.includes('Tillabéri'))).toBe(true);
    await page.screenshot({ path: screenshotPath('console-roster'), fullPage: true });
    // Finding one person by the phone they give, written their way.
    await page.fill('#filter-q', '97 00 00 01');
    await page.click('form[role=search] button');
    await expect.poll(() => page.locator('#roster tbody tr').count()).toBe(1);
    expect(await page.textContent('#roster')).toContain('Mahamadou Issoufou');
    await page.click(`#roster a:has-text("${first.reference}")`);
    await page.waitForSelector('#volunteer-title');
    expect(await page.textContent('#volunteer-title')).toContain('Mahamadou Issoufou');
    expect(await page.textContent('main')).toContain('+22797000001');
    await page.screenshot({ path: screenshotPath('console-volunteer'), fullPage: true });

    await page.click('nav.main button:has-text("Duplicates to review")');
    await page.waitForSelector('article.review');
    expect(await page.locator('article.review').count()).toBe(1);
    const review = page.locator('article.review').first();
    expect(await review.textContent()).toContain('Mahamadou Issoufou');
    expect(await review.textContent()).toContain('Mohamed Issoufou');
    expect(await review.textContent()).toContain('same name, other spelling');
    expect(await review.textContent()).toContain('Given name');
    await page.screenshot({ path: screenshotPath('console-review'), fullPage: true });
    await review.locator('button:has-text("Same person")').click();
    await expect.poll(() => page.textContent('#review-message')).toContain('Decision recorded');
    await expect.poll(() => page.locator('article.review').count()).toBe(0);

    // "Same person": the later registration is merged into the earlier one.
    const merged = await ctx.database.db.selectFrom('volunteers').select(['id', 'status', 'merged_into']).where('id', 'in', [first.id, second.id]).execute();
    expect(merged.find((v) => v.id === first.id)?.status).toBe('active');
    expect(merged.find((v) => v.id === second.id)?.merged_into).toBe(first.id);
    await signOut(page);
  }, 180_000);

  it('an officer sees names and phones but no ID numbers; an auditor sees the audit log and no volunteers; an admin manages users and devices', async () => {
    const page = await browser.context.newPage();
    const officer = await staff('officer.niamey', 'officer', ['NE008']);
    await signIn(page, officer);
    await page.click('nav.main button:has-text("Volunteers")');
    await page.waitForSelector('#roster tbody tr');
    await page.click('#roster tbody tr a');
    await page.waitForSelector('#volunteer-title');
    const text = (await page.textContent('main')) ?? '';
    expect(text).toContain('+22796');
    expect(text).toContain('(hidden for your role)');
    expect(await page.locator('nav.main button:has-text("Audit log")').count()).toBe(0);
    // Officers follow call-ups but may not write or start one.
    await page.click('nav.main button:has-text("Call-ups")');
    await page.waitForSelector('main h2:has-text("Call-ups")');
    expect(await page.locator('#callup-new').count()).toBe(0);
    await signOut(page);

    const auditor = await staff('auditor.one', 'auditor');
    await signIn(page, auditor);
    await page.waitForSelector('#audit tbody tr');
    expect(await page.locator('nav.main button:has-text("Volunteers")').count()).toBe(0);
    expect(await page.textContent('#audit')).toContain('volunteer.read');
    await page.screenshot({ path: screenshotPath('console-audit') });
    await signOut(page);

    const admin = await staff('admin.one', 'admin');
    await signIn(page, admin);
    await page.click('nav.main button:has-text("Accounts")');
    await page.fill('#new-username', 'agent.stade');
    await page.selectOption('#new-role', 'agent');
    await page.selectOption('#new-site', 'niamey-stade');
    await page.click('form button:has-text("Create")');
    await expect.poll(() => page.textContent('p.secret')).toContain('To hand over once');
    await page.screenshot({ path: screenshotPath('console-users'), fullPage: true });
    await page.click('nav.main button:has-text("Devices")');
    await page.fill('#device-name', 'Tablet 7');
    await page.click('form button:has-text("Create")');
    await expect.poll(() => page.textContent('p.secret')).toContain('To hand over once');
    await page.screenshot({ path: screenshotPath('console-devices'), fullPage: true });
    expect(await page.locator('nav.main button:has-text("Call-ups")').isDisabled()).toBe(false);
    await signOut(page);
  }, 180_000);

  it('a coordinator writes a call-up, previews it, starts it and sees the counts move as answers arrive', async () => {
    const { ctx } = server;
    const source = { channel: 'web' as const, capturedBy: 'self' };
    const phones = ['+22799000001', '+22799000002', '+22799000003', '+22799000004', '+22799000005'];
    for (const phone of phones) {
      const outcome = await registerVolunteer(ctx, registration({ phone, area: 'NE008', roles: ['medical'], skills: ['nurse'], availability: 'immediate' }), source);
      expect(outcome.status).toBe('created');
    }
    const coordinator = await staff('coord.niamey', 'coordinator', ['NE008']);
    const page = await browser.context.newPage();
    // Start, cancel and close ask for confirmation.
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, coordinator);
    await page.click('nav.main button:has-text("Call-ups")');
    await page.waitForSelector('#callup-new');
    await page.click('#callup-new');

    await page.fill('#callup-title', 'Renfort Niamey');
    await page.selectOption('#need-role-0', 'medical');
    await page.selectOption('#need-skill-0', 'nurse');
    await page.fill('#need-count-0', '3');
    await page.selectOption('#callup-area-1', 'NE008');
    await page.click('#callup-add-area');
    await page.waitForSelector('#callup-areas li');
    await page.fill('#callup-place', 'Stade Seyni Kountché');
    // The size of each message is counted as it is typed: a Hausa letter outside GSM-7 makes it UCS-2.
    expect(await page.getAttribute('#callup-size-fr', 'data-encoding')).toBe('gsm7');
    expect(await page.getAttribute('#callup-size-fr', 'data-segments')).toBe('1');
    await page.fill('#callup-text-ha', '{title}: ku zo {place} {time}. Amsa {yes} ko {no} kafin {deadline}. Muna buƙatar ku.');
    await expect.poll(() => page.getAttribute('#callup-size-ha', 'data-encoding')).toBe('ucs2');
    expect(await page.textContent('#callup-size-ha')).toContain('UCS-2');
    await page.fill('#callup-text-en', `{title} {bogus} ${'long '.repeat(100)}`);
    await expect.poll(() => page.textContent('#callup-size-en')).toContain('Unknown fields: bogus');
    expect(await page.textContent('#callup-size-en')).toContain('Too long');
    await page.screenshot({ path: screenshotPath('console-callup-create'), fullPage: true });
    // The server refuses it too, and the form says why.
    await page.click('#callup-save');
    await expect.poll(() => page.textContent('#callup-error')).toContain('not valid');
    await page.fill('#callup-text-en', '');
    await page.click('#callup-save');
    await page.waitForSelector('#callup-state');
    expect(await page.textContent('#callup-state')).toBe('Draft');
    expect(await page.textContent('#callup-message')).toContain('Draft saved');
    expect(await ctx.database.db.selectFrom('outbox').select('id').where('kind', '=', 'callup').execute()).toHaveLength(0);

    await page.click('#callup-preview-button');
    await page.waitForSelector('#callup-preview');
    expect(await page.textContent('#callup-preview .p-eligible')).toBe('5');
    // ceil(3 places x 1.5 over-asking) = 5 asked in the first wave.
    expect(await page.textContent('#callup-preview .p-first-wave')).toBe('5');
    expect(await page.textContent('#callup-preview [data-area=NE008]')).toContain('Niamey: 5');
    await page.screenshot({ path: screenshotPath('console-callup-preview'), fullPage: true });

    await page.click('#callup-start');
    await expect.poll(() => page.textContent('#callup-state')).toBe('Running');
    expect(await page.textContent('#callup-message')).toContain('Started: 5 SMS queued');
    await expect.poll(() => page.textContent('#callup-live')).toBe('Live');
    const cell = (name: string) => page.textContent(`#callup-counts tbody tr td.n-${name}`);
    expect(await cell('asked')).toBe('5');
    expect(await cell('yes')).toBe('0');

    // From here on the page is never reloaded: a mark set on the window now must still be there.
    await page.evaluate(() => Object.assign(globalThis, { musterNoReload: true }));
    const gateway = (path: string, query: Record<string, string>) => fetch(`${server.origin}/api/v1/gateway/kannel/${path}?${new URLSearchParams({ ...query, token: GATEWAY_TOKEN }).toString()}`);
    // The dispatcher queues the questions as it sends them; the gateway reports them delivered; the
    // worker's next tick records it.
    await queueCallupQuestions(createCallupDeps(ctx), new Date(), 100);
    const asked = await ctx.database.db.selectFrom('outbox').select('id').where('kind', '=', 'callup').execute();
    expect(asked).toHaveLength(5);
    for (const { id } of asked) expect((await gateway('dlr', { id, status: '1' })).status).toBe(200);
    await advanceCallups(createCallupDeps(ctx), new Date());
    await expect.poll(() => cell('delivered'), { timeout: 10_000 }).toBe('5');

    // Answers arrive by SMS: two yes and one no.
    const answer = async (n: number, text: string) => expect((await gateway('mo', { id: `mo-${n}`, from: phones[n]!.slice(1), to: '1234', text })).status).toBe(200);
    await answer(0, 'OUI');
    await expect.poll(() => cell('yes'), { timeout: 10_000 }).toBe('1');
    await answer(1, 'non');
    await answer(2, 'Ee');
    await expect.poll(() => cell('no'), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => cell('yes'), { timeout: 10_000 }).toBe('2');
    expect(await page.textContent('#callup-counts .n-confirmed')).toContain('2/3');
    expect(await cell('waiting')).toBe('2');
    await page.screenshot({ path: screenshotPath('console-callup-live'), fullPage: true });
    // The third yes fills the need; a fourth goes on standby.
    await answer(3, 'YES');
    await answer(4, 'oui');
    await expect.poll(() => page.textContent('#callup-state'), { timeout: 10_000 }).toBe('Filled');
    await expect.poll(() => cell('standby'), { timeout: 10_000 }).toBe('1');
    expect(await page.textContent('#callup-counts .n-confirmed')).toContain('3/3');
    expect(await page.evaluate(() => (globalThis as { musterNoReload?: boolean }).musterNoReload)).toBe(true);

    // The confirmed people, as the download link gives them (the signed-in session's cookie rides along).
    const href = await page.getAttribute('#callup-download', 'href');
    const csv = await page.evaluate(async (url) => (await fetch(url!)).text(), href);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toContain('reference,given_name');
    expect(lines).toHaveLength(4);

    await page.click('#callup-close');
    await expect.poll(() => page.textContent('#callup-state')).toBe('Closed');
    await page.click('main a:has-text("All call-ups")');
    await page.waitForSelector('#callups tbody tr');
    expect(await page.textContent('#callups tbody tr')).toContain('3/3');
    expect(await page.textContent('#callups tbody tr')).toContain('Closed');
    await page.screenshot({ path: screenshotPath('console-callups'), fullPage: true });

    // A draft written elsewhere (here, by the service) is cancelled from its page: nothing was ever sent.
    const hour = 3600_000;
    const draft = await createCallup(createCallupDeps(ctx), 'user:test', {
      title: 'Exercice annulé',
      needs: [{ role: 'medical', skill: null, count: 1 }],
      areas: ['NE008'],
      reportPlace: 'Niamey',
      reportAt: new Date(Date.now() + 72 * hour).toISOString(),
      answerBy: new Date(Date.now() + 48 * hour).toISOString(),
    });
    await page.goto(`${server.origin}/console/#/callups/${draft.id}`);
    await expect.poll(() => page.textContent('#callup-state')).toBe('Draft');
    await page.click('#callup-cancel');
    await expect.poll(() => page.textContent('#callup-state')).toBe('Cancelled');
    expect(await page.textContent('#callup-message')).toContain('Call-up cancelled; 0 people told');
    expect(await page.locator('#callup-start, #callup-cancel').count()).toBe(0);
    expect(await ctx.database.db.selectFrom('callup_recipients').select('id').where('callup_id', '=', draft.id).execute()).toHaveLength(0);
  }, 180_000);
});
