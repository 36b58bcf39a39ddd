import type { BirthPrecision } from './age.ts';
import type { Availability, Channel, Sex } from './registration-input.ts';

export const VOLUNTEER_STATUSES = ['active', 'withdrawn', 'suspended'] as const;
export type VolunteerStatus = (typeof VOLUNTEER_STATUSES)[number];

/**
 * A volunteer as the services see it: personal fields in clear (the store encrypts them on the way
 * in and decrypts them on the way out). After withdrawal the personal fields are null and only an
 * anonymous tombstone remains, so that counts stay right.
 */
export interface Volunteer {
  id: string;
  /** Short code given to the person (SMS, paper receipt). */
  reference: string;
  status: VolunteerStatus;
  givenName: string | null;
  familyName: string | null;
  sex: Sex | null;
  birthDate: string | null;
  birthYear: number | null;
  birthPrecision: BirthPrecision | null;
  phone: string | null;
  nationalId: string | null;
  area: string;
  site: string | null;
  channel: Channel;
  roles: string[];
  skills: string[];
  languages: string[];
  availability: Availability;
  consent: { version: string; language: string; at: string; capturedBy: string };
  recordedAt: string | null;
  createdAt: string;
  updatedAt: string;
  withdrawnAt: string | null;
}
