import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { buildServer } from '../src/http/build-server.ts';
import { registration } from './fixtures.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';
import { prepareStaffPassword, signedInStaff } from './helpers/staff.ts';

/** Values that must never appear in clear in the database, its write-ahead log or the logs. */
const CANARY = {
  givenName: 'Zubairukanary',
  familyName: 'Qwertykanary',
  phone: '+227 99 48 27 13',
  nationalId: 'CANARY7319046',
  birthDate: '1987-07-19',
};
const NEEDLES = ['Zubairukanary', 'Qwertykanary', '99482713', 'CANARY7319046', '1987-07-19', '19870719'];

function findNeedles(haystack: Buffer | string): string[] {
  const text = Buffer.isBuffer(haystack) ? haystack.toString('latin1') : haystack;
  return NEEDLES.filter((needle) => text.includes(needle));
}

describeEachDatabase('personal data at rest', (factory) => {
  let testDb: TestDatabase;
  afterAll(async () => testDb.cleanup());

  it('stores no canary value in clear, and logs none, yet reads them back', async () => {
    testDb = await factory();
    const ctx = await testDb.open();
    const logs: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    const app = await buildServer(ctx, { logger: { level: 'trace', stream }, logRequests: true });
    await prepareStaffPassword();
    const admin = await signedInStaff(ctx, app, 'admin');
    const created = await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration(CANARY) });
    expect(created.statusCode).toBe(201);
    // Refusals and duplicates must not leak the values into logs either.
    await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration({ ...CANARY, area: 'NOWHERE' }) });
    await app.inject({ method: 'POST', url: '/api/v1/volunteers', payload: registration(CANARY) });
    const read = await app.inject({ method: 'GET', url: `/api/v1/volunteers/${created.json().id}`, headers: admin.headers });
    expect(read.json()).toMatchObject({ givenName: CANARY.givenName, familyName: CANARY.familyName, nationalId: CANARY.nationalId, birthDate: CANARY.birthDate, phone: '+22799482713' });
    await app.close();

    if (ctx.database.dialect === 'sqlite') {
      const file = join(testDb.dataDir, 'muster.db');
      let scanned = '';
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        if (!existsSync(path)) continue;
        const bytes = readFileSync(path);
        scanned += bytes.toString('latin1');
        expect(findNeedles(bytes), path).toEqual([]);
      }
      // The scan does see the row: its reference (not personal) is there in clear.
      expect(scanned).toContain(created.json().reference);
      // The write-ahead log must have been looked at while it still held the row.
      expect(existsSync(`${file}-wal`)).toBe(true);
    } else {
      const rows = await sql<{ row: string }>`select row_to_json(v)::text as row from volunteers v`.execute(ctx.database.db);
      expect(rows.rows.length).toBeGreaterThan(0);
      for (const { row } of rows.rows) expect(findNeedles(row)).toEqual([]);
    }
    await ctx.database.close();
    // The logs were captured, requests included.
    expect(logs.join('')).toContain('/api/v1/volunteers');
    expect(findNeedles(logs.join(''))).toEqual([]);
  });
});
