import type { Drive } from '../config/load-drive.ts';
import { generateVolunteers, type GeneratedVolunteer, type GenerateVolunteersOptions } from './generate-volunteers.ts';

/** Synthetic volunteers of a drive: its areas, sites, roles, skills, languages and consent notice. */
export function generateForDrive(
  drive: Drive,
  options: Omit<GenerateVolunteersOptions, 'areas' | 'sites' | 'roles' | 'skills' | 'spokenLanguages' | 'consentVersion'>,
): Generator<GeneratedVolunteer> {
  const { config } = drive;
  return generateVolunteers({
    ...options,
    areas: config.areas,
    sites: config.sites,
    roles: config.roles.map((r) => r.id),
    skills: config.skills,
    spokenLanguages: config.spokenLanguages.map((l) => l.code),
    consentVersion: config.consent.version,
  });
}
