import { randomUUID } from 'node:crypto';

const GIVEN = ['Aïchatou', 'Mariama', 'Hadiza', 'Rabi', 'Zeinabou', 'Halima', 'Ramatou', 'Safiatou', 'Balkissa', 'Salamatou', 'Nana', 'Rakia', 'Saratou', 'Habsatou', 'Maimouna', 'Djamila'];
const FAMILY = ['Moussa', 'Issoufou', 'Abdou', 'Harouna', 'Hamani', 'Boubacar', 'Garba', 'Idrissa', 'Adamou', 'Oumarou', 'Saidou', 'Hassane', 'Mamane', 'Sani', 'Yacouba', 'Tahirou', 'Laouali', 'Chaibou', 'Habou'];
let personCounter = 0;

/**
 * A valid registration as in the API documentation; override any field. Without overrides, each call
 * is a different person (name and date of birth vary), so that tests do not fill the review queue
 * of possible duplicates by accident.
 */
export function registration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  personCounter += 1;
  const n = personCounter;
  return {
    clientId: randomUUID(),
    givenName: GIVEN[n % GIVEN.length],
    familyName: FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length],
    birthDate: `${1960 + (n % 40)}-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`,
    sex: 'F',
    phone: '+227 90 12 34 56',
    area: 'NE008',
    site: 'niamey-stade',
    roles: ['medical'],
    skills: ['nurse'],
    languages: ['ha', 'fr'],
    availability: 'immediate',
    consent: { noticeVersion: '1', language: 'fr' },
    ...overrides,
  };
}

let phoneCounter = 0;
/** A fresh valid Niger mobile number for each call within a test file. */
export function nextPhone(): string {
  phoneCounter += 1;
  return `+2279${String(1000000 + phoneCounter).slice(-7)}`;
}
