import { actorOf, type Principal } from '../access/principal.ts';
import { inScope, redact, visibleFields, volunteerScope, type VolunteerScope } from '../access/policy.ts';
import type { Drive } from '../config/load-drive.ts';
import type { Volunteer } from '../domain/volunteer.ts';

/** Who is acting, from where: what every use case on personal data needs to scope and audit itself. */
export interface Caller {
  principal: Principal;
  ip: string | null;
}

export function callerActor(caller: Caller): string {
  return actorOf(caller.principal);
}

export function scopeOf(caller: Caller, now: Date): VolunteerScope {
  return volunteerScope(caller.principal, now);
}

export function canSee(scope: VolunteerScope, volunteer: Volunteer, drive: Drive): boolean {
  return inScope(scope, { area: volunteer.area, capturedBy: volunteer.consent.capturedBy, createdAt: volunteer.createdAt }, (p) => drive.ancestorsOf(p));
}

/**
 * The areas (every level) an area-scoped caller's listing or export may cover: the requested ones that
 * lie within the caller's areas, or all of the caller's areas when none is requested.
 */
export function areasWithinScope(scopeAreas: readonly string[], drive: Drive, requested: readonly string[] | undefined): string[] {
  const allowed = new Set(scopeAreas.flatMap((a) => drive.descendantsOf(a)));
  return (requested ?? [...allowed]).filter((a) => allowed.has(a));
}

/** A volunteer as this caller may see it: fields it may not see are absent, not blanked. */
export function presentFor(caller: Caller, volunteer: Volunteer): Partial<Volunteer> {
  return redact(volunteer, visibleFields(caller.principal));
}
