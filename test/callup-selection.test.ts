import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import type { Caller } from '../src/services/access-context.ts';
import { changeVolunteer } from '../src/services/change-volunteer.ts';
import { countCandidates, nextCandidates } from '../src/services/callups/callup-candidates.ts';
import { createCallupDeps, type CallupDeps } from '../src/services/callups/callup-deps.ts';
import { candidatesFor, createCallup, loadCallup, startCallup, type Callup } from '../src/services/callups/callups.ts';
import { phoneIndex } from '../src/store/volunteer-rows.ts';
import { describeEachDatabase, type TestDatabase } from './helpers/databases.ts';
import { insertPopulation, person, type Person } from './helpers/population.ts';
import { wordListMismatches } from './helpers/word-lists.ts';

/**
 * The database's choice of whom to ask next (nextCandidates: filters, window-function order, LIMIT)
 * must be exactly the pure rules' choice over the whole candidate set (candidatesFor: eligibility
 * and rotation in callups/selection.ts), on a population made to hit every rule and every tie.
 * The database filters role and skill on the word lists of the volunteer row (migration 0010), the
 * reference on volunteer_roles and volunteer_skills: some people's roles and skills are changed after
 * registration, through the service staff use, so that a list left behind by a change shows.
 */

const NOW = new Date('2026-11-23T08:00:00.000Z');
const CALLER: Caller = { principal: { kind: 'system', name: 'test' }, ip: null };

interface Change {
  roles?: string[];
  skills?: string[];
  availability?: Person['availability'];
}

/**
 * The `kind`th change of a person's roles and skills (lists unsorted, with repeats, as a client may
 * send them): roles moved (medical to transport, transport to medical and defense), the nurse skill
 * removed or added with the roles kept, both at once, skills changed with nurse kept, and the same
 * roles sent again in another order with a new availability (the lists must not move).
 */
function changeFor(p: Person, kind: number): Change {
  const medical = p.roles.includes('medical');
  const nurse = p.skills.includes('nurse');
  switch (kind) {
    case 0:
      return medical ? { roles: ['transport'] } : p.roles.includes('transport') ? { roles: ['medical', 'defense', 'medical'] } : { roles: ['transport', 'medical'] };
    case 1:
      return { skills: nurse ? [] : ['nurse'] };
    case 2:
      return medical ? { roles: ['transport', 'defense'], skills: ['doctor'] } : { roles: ['medical'], skills: ['nurse', 'driver', 'nurse'] };
    case 3:
      return { skills: nurse ? ['nurse', 'doctor'] : ['doctor', 'midwife'] };
    default:
      return { roles: [...p.roles].reverse(), availability: 'immediate' };
  }
}

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describeEachDatabase('call-up selection in the database', (factory) => {
  let testDb: TestDatabase;
  let ctx: AppContext;
  let deps: CallupDeps;

  beforeAll(async () => {
    testDb = await factory();
    ctx = await testDb.open({ clock: () => NOW });
    deps = createCallupDeps(ctx);
  });
  afterAll(async () => testDb.cleanup());

  it('asks exactly whom the pure rules would ask, in the same order, for every wave size', async () => {
    const rnd = random(20261123);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const homes = [...ctx.drive.descendantsOf('NE006'), ...ctx.drive.descendantsOf('NE003'), ...ctx.drive.descendantsOf('NE008').slice(0, 3)].filter((p) => ctx.drive.children(p).length === 0);
    const people: Person[] = [];
    for (let i = 0; i < 1200; i++) {
      const kind = rnd();
      // Born in 2008 with a known day: 18 or not on the report day (2026-11-26) depending on the day.
      const borderline = kind < 0.15;
      people.push(
        person({
          area: pick(homes),
          roles: rnd() < 0.7 ? ['medical'] : pick([['transport'], ['medical', 'transport'], ['defense']]),
          skills: rnd() < 0.5 ? ['nurse'] : [],
          availability: pick(['immediate', 'within_week', 'later'] as const),
          birthYear: borderline ? 2008 : pick([1970, 1985, 2000, 2007, 2009, 2010]),
          birthDate: borderline ? `2008-${pick(['01', '06', '11', '12'])}-${pick(['01', '25', '26', '27', '30'])}` : null,
        }),
      );
    }
    await insertPopulation(ctx, people);

    // A fifth of the people change roles or skills after registration (before anyone is withdrawn:
    // a withdrawn person cannot be changed).
    const changes: Array<{ id: string; before: Pick<Person, 'roles' | 'skills'>; after: Pick<Person, 'roles' | 'skills'> }> = [];
    for (const [i, p] of people.entries()) {
      if (i % 5 !== 2) continue;
      const change = changeFor(p, Math.floor(i / 5) % 5);
      const outcome = await changeVolunteer(ctx, CALLER, p.id, change);
      expect(outcome.status).toBe('updated');
      const before = { roles: p.roles, skills: p.skills };
      if (change.roles) p.roles = [...new Set(change.roles)];
      if (change.skills) p.skills = [...new Set(change.skills)];
      if (change.availability) p.availability = change.availability;
      changes.push({ id: p.id, before, after: { roles: p.roles, skills: p.skills } });
    }
    expect(changes).toHaveLength(240);
    // The record holds the changes, and for everyone the word lists say exactly what the record says.
    const sorted = (xs: readonly string[]) => [...xs].sort();
    const stored = new Map((await ctx.volunteers.getMany(ctx.database.db, changes.map((c) => c.id))).map((v) => [v.id, v]));
    expect(changes.map((c) => ({ id: c.id, roles: stored.get(c.id)?.roles, skills: stored.get(c.id)?.skills }))).toEqual(
      changes.map((c) => ({ id: c.id, roles: sorted(c.after.roles), skills: sorted(c.after.skills) })),
    );
    expect(await wordListMismatches(ctx.database.db)).toEqual([]);
    // Not active, not consented (an old consent text), opted out.
    await ctx.database.write(async (trx) => {
      await trx.updateTable('volunteers').set({ status: 'withdrawn' }).where('id', 'in', people.filter((_, i) => i % 17 === 0).map((p) => p.id)).execute();
      await trx.updateTable('volunteers').set({ consent_version: 'old' }).where('id', 'in', people.filter((_, i) => i % 19 === 0).map((p) => p.id)).execute();
      await trx
        .insertInto('opt_outs')
        .values(people.filter((_, i) => i % 23 === 0).map((p) => ({ phone_hash: phoneIndex(ctx.cipher, p.phone), keyword: 'STOP', at: NOW.toISOString() })))
        .execute();
      // Rotation history with many ties: a few distinct times, some asked but never served.
      const times = ['2026-01-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'];
      await trx
        .insertInto('callup_rotation')
        .values(people.filter(() => rnd() < 0.5).map((p) => ({ volunteer_id: p.id, last_asked_at: pick(times), last_served_at: rnd() < 0.5 ? null : pick(times) })))
        .execute();
    });

    // Another call-up on the same dates, whose confirmed people may not be asked.
    const other = await createCallup(deps, 'staff:coord', {
      title: 'Autre appel',
      needs: [{ role: 'medical', count: 30 }],
      areas: ['NE006'],
      reportPlace: 'Hopital',
      reportAt: '2026-11-26T10:00:00Z',
      answerBy: '2026-11-25T17:00:00Z',
    });
    await startCallup(deps, 'staff:coord', other.id);
    await ctx.database.write((trx) => trx.updateTable('callup_recipients').set({ state: 'yes' }).where('callup_id', '=', other.id).execute());

    const callup = await createCallup(deps, 'staff:coord', {
      title: 'Appel national',
      needs: [{ role: 'medical', skill: 'nurse', count: 20 }, { role: 'transport', count: 10 }],
      areas: ['NE003', 'NE006', 'NE008001'],
      reportPlace: 'Chef-lieu',
      reportAt: '2026-11-26T07:00:00Z',
      answerBy: '2026-11-25T17:00:00Z',
    });
    const draft = (await loadCallup(ctx.database.db, callup.id)) as Callup;

    const compare = async (c: Callup) => {
      for (const need of c.needs) {
        const reference = (await candidatesFor(deps, ctx.database.db, c, need, NOW, new Set())).map((o) => o.candidate.id);
        expect(reference.length).toBeGreaterThan(20);
        // The comparison covers changed people: some who came to fit this need are candidates, none
        // who stopped fitting it is.
        const fits = (x: Pick<Person, 'roles' | 'skills'>) => x.roles.includes(need.role) && (need.skill === null || x.skills.includes(need.skill));
        const inReference = new Set(reference);
        expect(changes.filter((ch) => !fits(ch.before) && fits(ch.after) && inReference.has(ch.id)).length).toBeGreaterThan(5);
        expect(changes.filter((ch) => fits(ch.before) && !fits(ch.after) && inReference.has(ch.id))).toEqual([]);
        for (const n of [1, 7, 30, reference.length - 1, reference.length + 5]) {
          const chosen = (await nextCandidates(deps, ctx.database.db, c, need, NOW, n)).map((o) => o.candidate.id);
          expect(chosen).toEqual(reference.slice(0, n));
        }
        // The preview's counts per call-up area (borderline birth dates decided one by one) are the
        // pure rules' counts; left-out people (an earlier need's first wave) are neither counted nor chosen.
        const ordered = await candidatesFor(deps, ctx.database.db, c, need, NOW, new Set());
        const perArea = (areas: readonly string[]) => c.areas.map((a) => areas.filter((x) => x === a).length);
        const counted = await countCandidates(deps, ctx.database.db, c, need, NOW);
        expect(c.areas.map((_, i) => counted.get(i) ?? 0)).toEqual(perArea(ordered.map((o) => o.candidate.area)));
        const left = reference.filter((_, i) => i % 3 === 0);
        const without = await countCandidates(deps, ctx.database.db, c, need, NOW, left);
        expect([...without.values()].reduce((x, y) => x + y, 0)).toBe(reference.length - left.length);
        const rest = (await candidatesFor(deps, ctx.database.db, c, need, NOW, new Set(left))).map((o) => o.candidate.id);
        expect(rest).toHaveLength(reference.length - left.length);
        expect((await nextCandidates(deps, ctx.database.db, c, need, NOW, rest.length, new Set(left))).map((o) => o.candidate.id)).toEqual(rest);
      }
    };
    await compare(draft);

    // After the first wave: those asked are left out, the rest keep their order.
    await startCallup(deps, 'staff:coord', callup.id);
    const asked = await ctx.database.db.selectFrom('callup_recipients').select(['volunteer_id', 'need_id']).where('callup_id', '=', callup.id).execute();
    expect(asked.length).toBe(30 + 15);
    await compare((await loadCallup(ctx.database.db, callup.id)) as Callup);

    // Nobody asked is under age, opted out, withdrawn or confirmed elsewhere.
    const askedIds = new Set(asked.map((a) => a.volunteer_id));
    const confirmedElsewhere = new Set((await ctx.database.db.selectFrom('callup_recipients').select('volunteer_id').where('callup_id', '=', other.id).execute()).map((r) => r.volunteer_id));
    for (const [i, p] of people.entries()) {
      if (!askedIds.has(p.id)) continue;
      expect(i % 17 === 0 || i % 19 === 0 || i % 23 === 0).toBe(false);
      expect(confirmedElsewhere.has(p.id)).toBe(false);
      expect(p.birthYear <= 2007 || (p.birthDate !== null && p.birthDate <= '2008-11-26')).toBe(true);
    }
  });
});
