import type { AppContext } from '../../src/app/app-context.ts';
import type { ValidRegistration } from '../../src/domain/validate-registration.ts';
import { newReference, uuidv7 } from '../../src/store/ids.ts';
import type { NewVolunteer } from '../../src/store/volunteer-rows.ts';

export interface Person {
  id: string;
  phone: string;
  area: string;
  roles: string[];
  skills: string[];
  birthYear: number;
  birthDate: string | null;
  availability: ValidRegistration['availability'];
  language: 'fr' | 'en' | 'ha';
}

let counter = 0;

/** A person for a simulated registry; override any fact. Phones are unique within a process. */
export function person(overrides: Partial<Person> = {}): Person {
  counter += 1;
  return {
    id: uuidv7(),
    phone: `+2279${String(counter).padStart(7, '0')}`,
    area: 'NE008001',
    roles: ['medical'],
    skills: ['nurse'],
    birthYear: 1980 + (counter % 20),
    birthDate: null,
    availability: 'immediate',
    language: (['fr', 'ha', 'en'] as const)[counter % 3] ?? 'fr',
    ...overrides,
  };
}

/** Writes people straight into the registry (already validated, as an import would leave them). */
export async function insertPopulation(ctx: AppContext, people: readonly Person[]): Promise<void> {
  const now = ctx.clock().toISOString();
  const rows: NewVolunteer[] = people.map((p, i) => ({
    id: p.id,
    reference: newReference(),
    requestHash: `test-${p.id}`,
    channel: 'import',
    capturedBy: 'test',
    now,
    registration: {
      clientId: p.id,
      givenName: `Given${i}`,
      familyName: `Family${i}`,
      sex: 'F',
      birthDate: p.birthDate,
      birthYear: p.birthYear,
      birthPrecision: p.birthDate ? 'day' : 'year',
      phone: p.phone,
      nationalId: null,
      area: p.area,
      site: null,
      roles: p.roles,
      skills: p.skills,
      languages: [p.language],
      availability: p.availability,
      consent: { version: '1', language: p.language },
      recordedAt: null,
    },
  }));
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    await ctx.database.write((trx) => ctx.volunteers.insertMany(trx, chunk));
  }
}
