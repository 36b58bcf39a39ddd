import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inlineRenderer } from '../src/exports/render-pool.ts';
import { openRosterConnection } from '../src/exports/roster-connection.ts';
import { rosterColumns, type PageSpec } from '../src/exports/roster-page.ts';
import { readRosterRows } from '../src/exports/roster-reader.ts';
import type { AppContext } from '../src/app/app-context.ts';
import { sealAllPendingAudit } from '../src/audit/audit-sealer.ts';
import { decryptAge } from '../src/exports/encrypted-file.ts';
import { buildServer } from '../src/http/build-server.ts';
import { runImport } from '../src/services/imports/run-import.ts';
import type { ImportMapping } from '../src/domain/import-mapping.ts';
import { writeFileSync } from 'node:fs';
import { nextPhone, registration } from './fixtures.ts';
import { describeEachDatabase, FIXED_NOW, type TestDatabase } from './helpers/databases.ts';
import { prepareStaffPassword, signedInStaff, type SignedIn } from './helpers/staff.ts';

/** Parses the CSV Muster writes (RFC 4180, CRLF, BOM). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describeEachDatabase('exports: purpose, second approval, fresh sign-in, encryption, expiry, audit', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let app: FastifyInstance;
  let now = FIXED_NOW;
  let identity: string;
  let recipientKey: string;
  let requester: SignedIn;
  let admin: SignedIn;
  const people: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open({ clock: () => now });
    app = await buildServer(ctx);
    await prepareStaffPassword();
    identity = await generateX25519Identity();
    recipientKey = await identityToRecipient(identity);
    admin = await signedInStaff(ctx, app, 'admin');
    requester = await signedInStaff(ctx, app, 'coordinator', { areas: ['NE008'] });
    const specs = [
      { givenName: 'Aïchatou', familyName: 'Moussa', area: 'NE008001', roles: ['medical'], skills: ['nurse'], birthDate: '1990-01-02', nationalId: 'NIG12345' },
      { givenName: 'Ibrahim', familyName: 'Ɗan Kano', area: 'NE008001002', roles: ['medical', 'transport'], skills: ['driver'], birthDate: '1985-03-04' },
      { givenName: 'Hadiza', familyName: 'Sani', area: 'NE008', roles: ['transport'], skills: [], birthDate: '1999-12-31' },
      // Outside the coordinator's area: never in their exports.
      { givenName: 'Zeinabou', familyName: 'Garba', area: 'NE004', roles: ['medical'], skills: ['nurse'], birthDate: '1980-05-05' },
    ];
    for (const spec of specs) {
      const body = registration({ phone: nextPhone(), site: undefined, ...spec });
      const res = await app.inject({ method: 'POST', url: '/api/v1/volunteers', headers: admin.headers, payload: body });
      expect(res.statusCode, res.body).toBe(201);
      people.push(body);
    }
  });
  afterAll(async () => {
    await app.close();
    await testDb.cleanup();
  });

  const ask = (who: SignedIn, body: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/exports?lang=en',
      headers: who.headers,
      payload: { purpose: 'call_up', justification: 'Call-up of medical volunteers in Niamey', recipient: 'Direction de la protection civile', recipientKey, ...body },
    });

  it('reads the same roster whatever the page size, in id or area order, packed (SQLite) or not, and renders it the same', async () => {
    const fields = ['reference', 'givenName', 'familyName', 'birthDate', 'phone', 'area', 'roles', 'skills', 'languages', 'consent'] as const;
    const spec: PageSpec = { fields, columns: rosterColumns(fields), areaNames: {}, output: 'csv' };
    const render = inlineRenderer(ctx.keyring, spec);
    const connection = await openRosterConnection(ctx.database);
    try {
      for (const byArea of [false, true]) {
        const read = async (pageSize: number) => {
          let csv = '';
          for await (const page of readRosterRows(connection, {}, spec.columns, { byArea, pageSize })) {
            const rendered = await render.render(page);
            if ('csv' in rendered) csv += rendered.csv;
          }
          return csv;
        };
        const whole = await read(1000);
        expect(whole.split('\r\n').length - 1).toBe(people.length);
        for (const body of people) expect(whole).toContain(String(body.givenName));
        expect(whole).toContain('"medical, transport",driver');
        expect(await read(1)).toBe(whole);
        expect(await read(2)).toBe(whole);
      }
    } finally {
      await connection.close();
    }
  });

  it('needs a purpose that allows each field, a valid recipient key, and the export permission', async () => {
    const tooMuch = await ask(requester, { fields: ['givenName', 'phone', 'nationalId'] });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().errors).toEqual([expect.objectContaining({ field: 'fields.2', code: 'field_not_for_purpose', message: 'This field is not needed for this purpose: nationalId.' })]);
    // A coordinator never sees ID numbers, whatever the purpose says.
    const hidden = await ask(requester, { purpose: 'verification', fields: ['givenName', 'nationalId'] });
    expect(hidden.json().errors).toEqual([expect.objectContaining({ field: 'fields.1', code: 'field_not_allowed' })]);
    const noKey = await ask(requester, { recipientKey: undefined });
    expect(noKey.json().errors).toEqual([expect.objectContaining({ field: 'recipientKey', code: 'recipient_key_required' })]);
    const badKey = await ask(requester, { recipientKey: 'age1notakey' });
    expect(badKey.json().errors).toEqual([expect.objectContaining({ field: 'recipientKey', code: 'invalid_age_recipient' })]);
    const plain = await ask(requester, { encrypt: false, recipientKey: undefined });
    expect(plain.json().errors).toEqual([expect.objectContaining({ field: 'encrypt', code: 'unencrypted_not_allowed' })]);
    const officer = await signedInStaff(ctx, app, 'officer', { areas: ['NE008'] });
    expect((await ask(officer, {})).statusCode).toBe(403);
    const analyst = await signedInStaff(ctx, app, 'analyst');
    expect((await ask(analyst, {})).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/exports' })).statusCode).toBe(401);
  });

  it('waits for a second person, makes an encrypted file only the recipient can read, and audits every step', async () => {
    const asked = await ask(requester, { filters: { role: 'medical' } });
    expect(asked.statusCode).toBe(201);
    const request = asked.json();
    expect(request).toMatchObject({ state: 'pending', purpose: 'call_up', encrypted: true, rowCount: null });
    expect(request.fields).toEqual(['reference', 'givenName', 'familyName', 'phone', 'area', 'areaName', 'roles', 'skills', 'languages', 'availability']);
    const id = request.id as string;

    // Nothing to download before approval; the requester cannot approve their own request.
    expect((await app.inject({ method: 'GET', url: `/api/v1/exports/${id}/file`, headers: requester.headers })).statusCode).toBe(409);
    const own = await app.inject({ method: 'POST', url: `/api/v1/exports/${id}/approve?lang=fr`, headers: requester.headers });
    expect(own.statusCode).toBe(403);
    expect(own.json()).toMatchObject({ code: 'own_export_approval', title: "Une autre personne doit approuver votre demande d'export." });
    // A coordinator of another area cannot see or approve it.
    const elsewhere = await signedInStaff(ctx, app, 'coordinator', { areas: ['NE004'] });
    expect((await app.inject({ method: 'POST', url: `/api/v1/exports/${id}/approve`, headers: elsewhere.headers })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/v1/exports', headers: elsewhere.headers })).json().items).toEqual([]);
    // The admin sees it waiting, and approves: the file is made at once.
    expect((await app.inject({ method: 'GET', url: '/api/v1/exports', headers: admin.headers })).json().items.map((e: { id: string }) => e.id)).toContain(id);
    const approved = await app.inject({ method: 'POST', url: `/api/v1/exports/${id}/approve`, headers: admin.headers });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ state: 'ready', rowCount: 2, approvedBy: `user:${admin.userId}` });
    expect((await app.inject({ method: 'POST', url: `/api/v1/exports/${id}/approve`, headers: admin.headers })).statusCode).toBe(409);

    // Only the requester downloads; the file is age-encrypted to the recipient.
    expect((await app.inject({ method: 'GET', url: `/api/v1/exports/${id}/file`, headers: admin.headers })).statusCode).toBe(404);
    const file = await app.inject({ method: 'GET', url: `/api/v1/exports/${id}/file`, headers: requester.headers });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toContain('.csv.age');
    expect(file.rawPayload.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(file.rawPayload.includes(Buffer.from('Moussa'))).toBe(false);
    const other = await generateX25519Identity();
    await expect(decryptAge(file.rawPayload, other)).rejects.toThrow();
    const rows = parseCsv(Buffer.from(await decryptAge(file.rawPayload, identity)).toString('utf8'));
    expect(rows[0]).toEqual(request.fields);
    const names = rows.slice(1).map((r) => `${r[1]} ${r[2]}`).sort();
    expect(names).toEqual(['Aïchatou Moussa', 'Ibrahim Ɗan Kano']);
    const first = rows.find((r) => r[1] === 'Ibrahim');
    expect(first?.[3]).toBe(`'${String(people[1]?.phone)}`);
    expect(first?.[6]).toBe('medical, transport');

    await sealAllPendingAudit(ctx.database);
    const entries = await ctx.database.db.selectFrom('audit_log').select(['actor', 'action', 'details']).where('action', 'like', 'export.%').orderBy('seq').execute();
    const mine = entries.filter((e) => (JSON.parse(e.details) as { exportId?: string }).exportId === id);
    expect(mine.map((e) => [e.action, e.actor])).toEqual([
      ['export.request', `user:${requester.userId}`],
      ['export.approve', `user:${admin.userId}`],
      ['export.create', `user:${admin.userId}`],
      ['export.download', `user:${requester.userId}`],
    ]);
    const created = JSON.parse(mine[2]?.details ?? '{}') as Record<string, unknown>;
    expect(created).toMatchObject({ count: 2, fields: request.fields, recipient: 'Direction de la protection civile', approvedBy: `user:${admin.userId}`, requestedBy: `user:${requester.userId}`, encrypted: true });
    expect(JSON.parse(mine[0]?.details ?? '{}')).toMatchObject({ purpose: 'call_up', reason: 'Call-up of medical volunteers in Niamey' });
    // No personal data in the audit trail.
    expect(JSON.stringify(entries)).not.toMatch(/Moussa|Aïchatou|Ibrahim/);

    // Past its expiry the file is deleted and the download refused.
    now = new Date(FIXED_NOW.getTime() + 73 * 3600_000);
    try {
      const late = await signedInStaff(ctx, app, 'admin');
      expect((await app.inject({ method: 'GET', url: `/api/v1/exports/${id}/file?lang=en`, headers: late.headers })).statusCode).toBe(404);
      expect(readdirSync(join(ctx.dataDir, 'exports'))).toEqual([]);
      const view = await app.inject({ method: 'GET', url: `/api/v1/exports/${id}`, headers: late.headers });
      expect(view.json().state).toBe('expired');
    } finally {
      now = FIXED_NOW;
    }
  });

  it('asks for a fresh sign-in, and a refused request makes no file', async () => {
    now = new Date(FIXED_NOW.getTime() + 16 * 60_000);
    try {
      const stale = await ask(requester, {});
      expect(stale.statusCode).toBe(401);
      expect(stale.json()).toMatchObject({ code: 'fresh_sign_in_required', title: 'Sign in again (password and code) before this action: your sign-in is more than 15 minutes old.' });
    } finally {
      now = FIXED_NOW;
    }
    const asked = await ask(requester, { format: 'pdf', groupBy: 'area' });
    const id = asked.json().id as string;
    const refused = await app.inject({ method: 'POST', url: `/api/v1/exports/${id}/refuse`, headers: admin.headers, payload: { reason: 'Not needed now' } });
    expect(refused.json()).toMatchObject({ state: 'refused', refusedReason: 'Not needed now' });
    expect((await app.inject({ method: 'POST', url: `/api/v1/exports/${id}/approve`, headers: admin.headers })).statusCode).toBe(409);
    expect((await app.inject({ method: 'GET', url: `/api/v1/exports/${id}/file`, headers: requester.headers })).statusCode).toBe(409);
  });

  it('makes XLSX and PDF files (per area, per role), and counts without personal data', async () => {
    for (const [format, groupBy, magic] of [
      ['xlsx', undefined, 'PK'],
      ['pdf', 'area', '%PDF'],
      ['pdf', 'role', '%PDF'],
    ] as const) {
      const asked = await ask(requester, { format, ...(groupBy ? { groupBy } : {}) });
      const approved = await app.inject({ method: 'POST', url: `/api/v1/exports/${asked.json().id as string}/approve`, headers: admin.headers });
      expect(approved.json()).toMatchObject({ state: 'ready', rowCount: groupBy === 'role' ? 4 : 3 });
      const file = await app.inject({ method: 'GET', url: `/api/v1/exports/${asked.json().id as string}/file`, headers: requester.headers });
      const plain = Buffer.from(await decryptAge(file.rawPayload, identity));
      expect(plain.subarray(0, magic.length).toString()).toBe(magic);
    }
    const analyst = await signedInStaff(ctx, app, 'analyst');
    const counts = await app.inject({ method: 'GET', url: '/api/v1/reports/aggregates?lang=en', headers: analyst.headers });
    expect(counts.statusCode).toBe(200);
    const rows = parseCsv(counts.body);
    expect(rows[0]).toEqual(['dimension', 'code', 'label', 'count']);
    const get = (dimension: string, key: string) => rows.find((r) => r[0] === dimension && r[1] === key)?.[3];
    expect(get('region', 'NE008')).toBe('3');
    expect(get('region', 'NE004')).toBe('1');
    expect(get('role', 'medical')).toBe('3');
    expect(get('skill', 'nurse')).toBe('2');
    expect(get('day', FIXED_NOW.toISOString().slice(0, 10))).toBe('4');
    expect(counts.body).not.toMatch(/Moussa|Hadiza|Garba|\+227/);
    const pdf = await app.inject({ method: 'GET', url: '/api/v1/reports/aggregates?format=pdf&minimumCount=5', headers: analyst.headers });
    expect(pdf.rawPayload.subarray(0, 4).toString()).toBe('%PDF');
    const officer = await signedInStaff(ctx, app, 'auditor');
    expect((await app.inject({ method: 'GET', url: '/api/v1/reports/aggregates', headers: officer.headers })).statusCode).toBe(403);
  });

  it('round trip: an export of the roster, imported into an empty registry, gives the same people', async () => {
    const asked = await ask(admin, { purpose: 'transfer', justification: 'Hand-over of the roster to the ministry' });
    expect(asked.json().state).toBe('pending');
    const approver = await signedInStaff(ctx, app, 'coordinator', { areas: ['NE008'] });
    // A coordinator of one area cannot approve an export of the whole country.
    expect((await app.inject({ method: 'POST', url: `/api/v1/exports/${asked.json().id as string}/approve`, headers: approver.headers })).statusCode).toBe(404);
    const second = await signedInStaff(ctx, app, 'admin');
    const approved = await app.inject({ method: 'POST', url: `/api/v1/exports/${asked.json().id as string}/approve`, headers: second.headers });
    expect(approved.json()).toMatchObject({ state: 'ready', rowCount: 4 });
    const file = await app.inject({ method: 'GET', url: `/api/v1/exports/${asked.json().id as string}/file`, headers: admin.headers });
    const csv = Buffer.from(await decryptAge(file.rawPayload, identity)).toString('utf8');

    const dir = mkdtempSync(join(tmpdir(), 'muster-roundtrip-'));
    const other = await factory();
    try {
      const path = join(dir, 'roster.csv');
      writeFileSync(path, csv);
      const target = await other.open();
      const mapping: ImportMapping = {
        columns: {
          givenName: 'givenName',
          familyName: 'familyName',
          sex: 'sex',
          birthDate: 'birthDate',
          phone: 'phone',
          nationalId: 'nationalId',
          area: 'area',
          site: 'site',
          roles: 'roles',
          skills: 'skills',
          languages: 'languages',
          availability: 'availability',
          consent: 'consent',
          consentVersion: 'consentVersion',
          consentLanguage: 'consentLanguage',
        },
        defaults: { capturedBy: 'Ministry hand-over' },
        listSeparators: ',',
      };
      const result = await runImport(target, { principal: { kind: 'system', name: 'test' }, ip: null }, { path, fileName: 'roster.csv', format: 'csv', mapping, dryRun: false });
      expect(result.status).toBe('ran');
      if (result.status === 'ran') expect({ created: result.summary.created + result.summary.review, refused: result.summary.refused }).toEqual({ created: 4, refused: 0 });
      const snapshot = async (c: AppContext) => {
        const ids = (await c.database.db.selectFrom('volunteers').select('id').execute()).map((r) => r.id);
        const all = await c.volunteers.getMany(c.database.db, ids);
        return all
          .map((v) => ({ givenName: v.givenName, familyName: v.familyName, sex: v.sex, birthDate: v.birthDate, phone: v.phone, nationalId: v.nationalId, area: v.area, roles: v.roles, skills: v.skills, languages: [...v.languages].sort(), availability: v.availability, consent: v.consent.version }))
          .sort((a, b) => String(a.phone).localeCompare(String(b.phone)));
      };
      expect(await snapshot(target)).toEqual(await snapshot(ctx));
    } finally {
      await other.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(join(ctx.dataDir, 'exports'))).toBe(true);
  });
});
