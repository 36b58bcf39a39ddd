import { randomUUID } from 'node:crypto';

/** A valid registration as in the API documentation; override any field. */
export function registration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    clientId: randomUUID(),
    givenName: 'Aïchatou',
    familyName: 'Moussa',
    birthDate: '1994-03-12',
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
