import { afterAll, expect, it } from 'vitest';
import type { AppContext } from '../src/app/app-context.ts';
import { generateForDrive } from '../src/demo/generate-for-drive.ts';
import { registerVolunteer, registerVolunteers, type RegistrationOutcome } from '../src/services/register-volunteer.ts';
import { describeEachDatabase, FIXED_NOW, type TestDatabase } from './helpers/databases.ts';

/**
 * A batch is the registration path, not a second one: the same outcomes and the same possible
 * duplicates as registering the same people one after the other.
 */
describeEachDatabase('registration in batches', (factory) => {
  const opened: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of opened) await db.cleanup();
  });

  it('answers and flags exactly as registrations one after the other', async () => {
    const one = await factory();
    const many = await factory();
    opened.push(one, many);
    const a = await one.open();
    const b = await many.open();
    const inputs = [...generateForDrive(a.drive, { count: 120, seed: 11, duplicateRate: 0.35, today: FIXED_NOW })].map((v) => v.input);
    // Refusals and collisions inside the batch too: a minor, and a second registration of one phone.
    inputs.push({ ...inputs[0]!, clientId: '0b6f1a8e-3c59-4d1c-9a55-2f1e6d7c8b90', birthDate: '2015-01-01', birthYear: undefined, age: undefined });
    inputs.push({ ...inputs[1]!, clientId: '1c7a2b9f-4d6a-4e2d-8b66-3a2f7e8d9ca1' });
    const source = { channel: 'agent' as const, capturedBy: 'system:test' };
    const sequential: RegistrationOutcome[] = [];
    for (const input of inputs) sequential.push(await registerVolunteer(a, { ...input, site: input.site ?? 'niamey-stade' }, source));
    const batched = [
      ...(await registerVolunteers(b, inputs.slice(0, 70).map((input) => ({ ...input, site: input.site ?? 'niamey-stade' })), source)),
      ...(await registerVolunteers(b, inputs.slice(70).map((input) => ({ ...input, site: input.site ?? 'niamey-stade' })), source)),
    ];
    const shape = (o: RegistrationOutcome) => (o.status === 'created' ? `created review=${o.awaitingReview}` : o.status === 'refused' ? `refused ${o.errors.map((e) => e.code).join(',')}` : o.status);
    expect(batched.map(shape)).toEqual(sequential.map(shape));
    expect(sequential.filter((o) => o.status === 'created' && o.awaitingReview).length).toBeGreaterThan(3);

    const pairs = async (ctx: AppContext, outcomes: RegistrationOutcome[]) => {
      const index = new Map(outcomes.flatMap((o, i) => (o.status === 'created' ? [[o.id, i] as const] : [])));
      const rows = await ctx.database.db.selectFrom('dedup_reviews').select(['volunteer_a', 'volunteer_b', 'probability']).execute();
      return rows.map((r) => `${index.get(r.volunteer_a)}-${index.get(r.volunteer_b)} ${r.probability.toFixed(6)}`).sort();
    };
    expect(await pairs(b, batched)).toEqual(await pairs(a, sequential));
  });
});
