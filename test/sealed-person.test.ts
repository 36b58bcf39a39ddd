import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { csvLine } from '../src/exports/csv.ts';
import { inlineRenderer, startRenderPool } from '../src/exports/render-pool.ts';
import { openRosterConnection } from '../src/exports/roster-connection.ts';
import { rosterColumns, type PageSpec } from '../src/exports/roster-page.ts';
import { readRosterRows } from '../src/exports/roster-reader.ts';
import { answerCallup } from '../src/services/callups/callup-answers.ts';
import { createCallupDeps } from '../src/services/callups/callup-deps.ts';
import { queueCallupQuestions } from '../src/services/callups/callup-sending.ts';
import { confirmedPeople, createCallup, startCallup } from '../src/services/callups/callups.ts';
import { resealVolunteers } from '../src/services/reseal-volunteers.ts';
import { LEGACY_COLUMNS, NO_LEGACY_FIELDS, sealPersonal, type PersonalFields } from '../src/store/personal-fields.ts';
import type { VolunteersTable } from '../src/store/schema.ts';
import { main } from '../src/cli/main.ts';
import { describeEachDatabase, sqliteTestDatabase, TEST_KEY, type TestDatabase } from './helpers/databases.ts';
import { legacyPersonalColumns } from './helpers/legacy-personal.ts';
import { insertPopulation, person, type Person } from './helpers/population.ts';

const NOW = new Date('2026-11-23T08:00:00.000Z');

describeEachDatabase('personal fields sealed together, and rows written before', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  /** The people of the registry and what each should read back as. */
  const expected = new Map<string, PersonalFields>();
  const legacy = new Set<string>();
  let people: Person[] = [];

  /** Rewrites rows as a Muster before migration 0008 wrote them: one ciphertext per field, no personal_enc. */
  async function toLegacy(fields: ReadonlyMap<string, PersonalFields>): Promise<void> {
    await ctx.database.write(async (trx) => {
      for (const [id, f] of fields) {
        const { id: _id, ...columns } = legacyPersonalColumns(ctx.cipher, id, f);
        await trx.updateTable('volunteers').set(columns).where('id', '=', id).execute();
      }
    });
  }

  async function rows(): Promise<VolunteersTable[]> {
    return ctx.database.db.selectFrom('volunteers').selectAll().orderBy('id').execute();
  }

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open({ clock: () => NOW });
    const tillaberi = ctx.drive.descendantsOf('NE006').filter((p) => p !== 'NE006');
    people = Array.from({ length: 40 }, (_, i) =>
      person({
        area: tillaberi[i % tillaberi.length] ?? 'NE006001',
        // Born in the borderline year, known to the day (in rows of either form): a call-up on 26 November
        // 2026 opens the date.
        ...(i % 10 === 4 || i % 10 === 5 ? { birthYear: 2008, birthDate: i % 20 < 10 ? '2008-11-25' : '2008-11-27' } : i % 3 === 0 ? { birthDate: `19${80 + (i % 20)}-0${1 + (i % 9)}-1${i % 10}` } : {}),
      }),
    );
    await insertPopulation(ctx, people);
    people.forEach((p, i) =>
      expected.set(p.id, { givenName: `Given${i}`, familyName: `Family${i}`, phone: p.phone, nationalId: null, birthDate: p.birthDate }),
    );
    // Some with an ID number (sealed rows get it by a new seal; legacy ones in their own column).
    for (const [i, p] of people.entries()) {
      if (i % 4 !== 1) continue;
      const f = { ...(expected.get(p.id) as PersonalFields), nationalId: `NIG${1000 + i}` };
      expected.set(p.id, f);
      await ctx.database.write((trx) => trx.updateTable('volunteers').set({ personal_enc: sealPersonal(ctx.cipher, p.id, f) }).where('id', '=', p.id).execute());
    }
    // Every other person as written before migration 0008.
    const old = new Map(people.filter((_, i) => i % 2 === 0).map((p) => [p.id, expected.get(p.id) as PersonalFields]));
    await toLegacy(old);
    for (const id of old.keys()) legacy.add(id);
  });
  afterAll(async () => testDb.cleanup());

  it('new registrations hold one sealed blob and no per-field ciphertexts', async () => {
    const fresh = (await rows()).filter((r) => !legacy.has(r.id));
    expect(fresh.length).toBe(20);
    for (const r of fresh) {
      expect(r.personal_enc).toMatch(/^k[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
      expect([r.given_name_enc, r.family_name_enc, r.phone_enc, r.national_id_enc, r.birth_date_enc]).toEqual([null, null, null, null, null]);
    }
  });

  it('reads both forms the same through the store and the duplicate check', async () => {
    const all = await ctx.volunteers.getMany(ctx.database.db, [...expected.keys()]);
    expect(all).toHaveLength(40);
    for (const v of all) {
      expect({ givenName: v.givenName, familyName: v.familyName, phone: v.phone, nationalId: v.nationalId, birthDate: v.birthDate }).toEqual(expected.get(v.id));
    }
    const comparable = await ctx.volunteers.comparable(ctx.database.db, [...expected.keys()]);
    expect(comparable).toHaveLength(40);
    for (const c of comparable) expect({ givenName: c.givenName, familyName: c.familyName, phone: c.phone, nationalId: c.nationalId, birthDate: c.birthDate }).toEqual(expected.get(c.id));
  });

  it('a mixed registry exports the roster the people gave, inline and in worker threads', async () => {
    const fields = ['reference', 'givenName', 'familyName', 'birthDate', 'phone', 'nationalId', 'area'] as const;
    const spec: PageSpec = { fields, columns: rosterColumns(fields), areaNames: {}, output: 'csv' };
    const references = new Map((await rows()).map((r) => [r.id, r.reference]));
    const want = [...expected.keys()]
      .sort()
      .map((id, _i) => {
        const f = expected.get(id) as PersonalFields;
        const p = people.find((x) => x.id === id) as Person;
        return csvLine([references.get(id) ?? '', f.givenName, f.familyName, f.birthDate ?? String(p.birthYear), f.phone, f.nationalId ?? '', p.area]);
      })
      .join('');
    const connection = await openRosterConnection(ctx.database);
    const pool = await startRenderPool(ctx.keyring, spec, 1);
    try {
      for (const renderer of [inlineRenderer(ctx.keyring, spec), pool]) {
        let csv = '';
        for await (const page of readRosterRows(connection, {}, spec.columns, { pageSize: 7 })) {
          const rendered = await renderer.render(page);
          if ('csv' in rendered) csv += rendered.csv;
        }
        expect(csv).toBe(want);
      }
    } finally {
      await pool.close();
      await connection.close();
    }
  });

  it('a call-up over a mixed registry asks the right phones and opens birth dates of either form', async () => {
    const deps = createCallupDeps(ctx);
    const callup = await createCallup(deps, 'staff:coord', {
      title: 'Appel Tillaberi',
      needs: [{ role: 'medical', skill: 'nurse', count: 100 }],
      areas: ['NE006'],
      reportPlace: 'Hopital de district',
      reportAt: '2026-11-26T07:00:00Z',
      answerBy: '2026-11-25T17:00:00Z',
      overAsk: 1,
      waveTimeoutMinutes: 60,
    });
    await startCallup(deps, 'staff:coord', callup.id);
    // Questions become outbox messages when the dispatcher has room to send them.
    await queueCallupQuestions(deps, NOW, 1000);
    const asked = await ctx.database.db.selectFrom('outbox').select(['id', 'phone_enc']).where('kind', '=', 'callup').execute();
    const phones = asked.map((r) => ctx.cipher.decrypt(r.phone_enc, `outbox.phone:${r.id}`)).sort();
    // Those born on 27 November 2008 are 17 on the report day: not asked, whichever form holds their date.
    const adults = people.filter((p) => p.birthDate !== '2008-11-27');
    expect(people.length - adults.length).toBe(4);
    expect(phones).toEqual(adults.map((p) => p.phone).sort());
    const legacyPerson = people.find((p) => legacy.has(p.id) && p.birthDate !== '2008-11-27') as Person;
    const sealedPerson = people.find((p) => !legacy.has(p.id) && p.birthDate !== '2008-11-27') as Person;
    for (const p of [legacyPerson, sealedPerson]) expect((await answerCallup(deps, { phone: p.phone, text: 'YES', now: NOW })).outcome).toBe('confirmed');
    const confirmed = await confirmedPeople(deps, 'staff:coord', callup.id, null);
    expect(confirmed.map((c) => [c.volunteerId, c.givenName, c.familyName, c.phone]).sort()).toEqual(
      [legacyPerson, sealedPerson].map((p) => [p.id, expected.get(p.id)?.givenName, expected.get(p.id)?.familyName, p.phone]).sort(),
    );
  });

  it('a blob copied to another row does not open there', async () => {
    const [a, b] = people.filter((p) => !legacy.has(p.id));
    if (!a || !b) throw new Error('two sealed people expected');
    const source = await ctx.database.db.selectFrom('volunteers').select('personal_enc').where('id', '=', a.id).executeTakeFirstOrThrow();
    const saved = await ctx.database.db.selectFrom('volunteers').select('personal_enc').where('id', '=', b.id).executeTakeFirstOrThrow();
    await ctx.database.write((trx) => trx.updateTable('volunteers').set({ personal_enc: source.personal_enc }).where('id', '=', b.id).execute());
    await expect(ctx.volunteers.get(ctx.database.db, b.id)).rejects.toThrow();
    await ctx.database.write((trx) => trx.updateTable('volunteers').set({ personal_enc: saved.personal_enc }).where('id', '=', b.id).execute());
    expect((await ctx.volunteers.get(ctx.database.db, b.id))?.phone).toBe(b.phone);
  });

  it('a new phone on a legacy row seals every field together, keeping the others', async () => {
    const p = people.find((x) => legacy.has(x.id)) as Person;
    const phone = '+22799887766';
    await ctx.database.write((trx) => ctx.volunteers.update(trx, p.id, { phone }, NOW.toISOString()));
    const row = (await rows()).find((r) => r.id === p.id) as VolunteersTable;
    expect(row.personal_enc).not.toBeNull();
    expect(Object.values(LEGACY_COLUMNS).map((c) => row[c])).toEqual([null, null, null, null, null]);
    const v = await ctx.volunteers.get(ctx.database.db, p.id);
    expect(v?.phone).toBe(phone);
    expect(v?.givenName).toBe(expected.get(p.id)?.givenName);
    expect(v?.birthDate).toBe(expected.get(p.id)?.birthDate);
    // Back as it was, for the tests after this one.
    await toLegacy(new Map([[p.id, expected.get(p.id) as PersonalFields]]));
  });

  it('reseal converts every legacy row (stoppable, resumable, audited once per run), and a second run changes nothing', async () => {
    const before = await rows();
    expect(before.filter((r) => r.personal_enc === null && r.phone_enc !== null)).toHaveLength(20);
    // Stopped after its first batch of 3: three rows converted, the rest still readable as they were.
    const first = await resealVolunteers(ctx, 'system:test', { batchSize: 3, shouldStop: () => true });
    expect(first).toMatchObject({ converted: 3, found: 20, complete: false });
    expect((await rows()).filter((r) => r.personal_enc === null && r.phone_enc !== null)).toHaveLength(17);
    const progress: number[] = [];
    const second = await resealVolunteers(ctx, 'system:test', { batchSize: 4, onProgress: (n) => progress.push(n) });
    expect(second).toMatchObject({ converted: 17, found: 17, complete: true });
    expect(progress.at(-1)).toBe(17);
    const after = await rows();
    for (const r of after) {
      expect(r.personal_enc).not.toBeNull();
      expect(Object.values(LEGACY_COLUMNS).map((c) => r[c])).toEqual([null, null, null, null, null]);
    }
    // Nothing else about a row changes.
    const strip = (r: VolunteersTable) => ({ ...r, personal_enc: null, ...NO_LEGACY_FIELDS });
    expect(after.map(strip)).toEqual(before.map(strip));
    for (const v of await ctx.volunteers.getMany(ctx.database.db, [...expected.keys()])) {
      expect({ givenName: v.givenName, familyName: v.familyName, phone: v.phone, nationalId: v.nationalId, birthDate: v.birthDate }).toEqual(expected.get(v.id));
    }
    const third = await resealVolunteers(ctx, 'system:test');
    expect(third).toMatchObject({ converted: 0, found: 0, complete: true });
    expect(await rows()).toEqual(after);
    const audit = await ctx.database.db.selectFrom('audit_pending').select(['actor', 'action', 'details']).where('action', '=', 'volunteer.reseal').execute();
    expect(audit.map((a) => JSON.parse(a.details) as unknown)).toEqual([
      { converted: 3, found: 20, complete: false },
      { converted: 17, found: 17, complete: true },
      { converted: 0, found: 0, complete: true },
    ]);
  });

  it('withdrawal erases the sealed blob, and reseal leaves an erased row erased', async () => {
    const p = people[5] as Person;
    await ctx.database.write((trx) => ctx.volunteers.erase(trx, p.id, NOW.toISOString()));
    const row = (await rows()).find((r) => r.id === p.id) as VolunteersTable;
    expect([row.personal_enc, ...Object.values(LEGACY_COLUMNS).map((c) => row[c]), row.phone_hash]).toEqual([null, null, null, null, null, null, null]);
    // A legacy row read by reseal, then erased before reseal writes: the erasure stands.
    const q = people[7] as Person;
    await toLegacy(new Map([[q.id, expected.get(q.id) as PersonalFields]]));
    const [read] = await ctx.volunteers.legacyRows(ctx.database.db, '', 100);
    expect(read?.id).toBe(q.id);
    await ctx.database.write((trx) => ctx.volunteers.erase(trx, q.id, NOW.toISOString()));
    expect(await ctx.database.write((trx) => ctx.volunteers.resealRows(trx, read ? [read] : []))).toBe(0);
    const erased = (await rows()).find((r) => r.id === q.id) as VolunteersTable;
    expect(erased.personal_enc).toBeNull();
    expect((await ctx.volunteers.get(ctx.database.db, q.id))?.givenName).toBeNull();
  });
});

describe('muster reseal (command line)', () => {
  it('converts, reports, refuses a bad batch size, and finds nothing the second time', async () => {
    const testDb = sqliteTestDatabase();
    const saved = process.env.MUSTER_KEY;
    process.env.MUSTER_KEY = TEST_KEY;
    try {
      const ctx = await testDb.open({ clock: () => NOW });
      const people = Array.from({ length: 30 }, () => person());
      await insertPopulation(ctx, people);
      const rows = await ctx.volunteers.getMany(ctx.database.db, people.map((p) => p.id));
      await ctx.database.write(async (trx) => {
        for (const v of rows) {
          await trx
            .updateTable('volunteers')
            .set({ personal_enc: null, given_name_enc: ctx.cipher.encrypt(v.givenName ?? '', `volunteers.given_name:${v.id}`), family_name_enc: ctx.cipher.encrypt(v.familyName ?? '', `volunteers.family_name:${v.id}`), phone_enc: ctx.cipher.encrypt(v.phone ?? '', `volunteers.phone:${v.id}`) })
            .where('id', '=', v.id)
            .execute();
        }
      });
      const run = async (...argv: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
        return { code, out: out.join('\n'), err: err.join('\n') };
      };
      const bad = await run('reseal', '--batch', '0', '--data', testDb.dataDir);
      expect(bad.code).not.toBe(0);
      expect(bad.err).toContain('--batch');
      const first = await run('reseal', '--batch', '7', '--data', testDb.dataDir);
      expect(first.code).toBe(0);
      expect(first.out).toMatch(/^30 volunteers resealed .* none left in the per-field form$/);
      const second = await run('reseal', '--data', testDb.dataDir);
      expect(second.out).toMatch(/^0 volunteers resealed/);
      const after = await ctx.volunteers.getMany(ctx.database.db, people.map((p) => p.id));
      expect(after.map((v) => [v.id, v.givenName, v.familyName, v.phone])).toEqual(rows.map((v) => [v.id, v.givenName, v.familyName, v.phone]));
      expect((await ctx.database.db.selectFrom('volunteers').select('id').where('personal_enc', 'is', null).execute()).length).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.MUSTER_KEY;
      else process.env.MUSTER_KEY = saved;
      await testDb.cleanup();
    }
  });
});
