import type { Principal, StaffRole } from './principal.ts';

/**
 * The single place that decides who may do what. Routes declare an action; services ask for the
 * record scope and the visible fields. Deny by default: anything not granted here is refused.
 */
export const ACTIONS = [
  'health.read',
  'registration.submit',
  'registration.sync',
  'volunteer.read',
  'volunteer.update',
  'volunteer.withdraw',
  'stats.read',
  'audit.read',
  'user.manage',
  'device.manage',
  'device.enrol',
  'auth.sign_in',
  'auth.self',
  /** Callbacks of the SMS gateway and the USSD aggregator, which prove themselves with a shared token (checked by the route). */
  'gateway.callback',
  /** Import typed-up paper lists (and save column mappings). */
  'import.run',
  /** Ask for an export of the roster (personal data leaves the system). */
  'export.request',
  /** Approve or refuse someone else's export request (the second person). */
  'export.approve',
  /** The drive's public description (roles, skills, sites, consent notice, areas by level or region). */
  'drive.read',
  /** The web pages and their assets (public page, agent app, console shell). */
  'web.read',
  /** Write, preview, start, cancel and close call-ups. */
  'callup.manage',
  /** A call-up's live counts and the people who confirmed (officers: within their areas). */
  'callup.read',
] as const;
export type Action = (typeof ACTIONS)[number];

const PUBLIC_ACTIONS: ReadonlySet<Action> = new Set(['health.read', 'registration.submit', 'device.enrol', 'auth.sign_in', 'gateway.callback', 'drive.read', 'web.read']);

const STAFF_ACTIONS: Record<StaffRole, ReadonlySet<Action>> = {
  admin: new Set([
    'registration.submit', 'registration.sync', 'volunteer.read', 'volunteer.update', 'volunteer.withdraw', 'stats.read', 'audit.read', 'user.manage', 'device.manage',
    'import.run', 'export.request', 'export.approve', 'callup.manage', 'callup.read',
  ]),
  coordinator: new Set([
    'registration.submit', 'registration.sync', 'volunteer.read', 'volunteer.update', 'volunteer.withdraw', 'stats.read', 'device.manage',
    'import.run', 'export.request', 'export.approve', 'callup.manage', 'callup.read',
  ]),
  agent: new Set(['registration.submit', 'registration.sync', 'volunteer.read']),
  officer: new Set(['volunteer.read', 'stats.read', 'callup.read']),
  auditor: new Set(['audit.read']),
  analyst: new Set(['stats.read']),
};

const DEVICE_ACTIONS: ReadonlySet<Action> = new Set(['registration.submit', 'registration.sync', 'volunteer.read']);

export function can(principal: Principal, action: Action): boolean {
  if (PUBLIC_ACTIONS.has(action)) return true;
  switch (principal.kind) {
    case 'public':
      return false;
    case 'staff':
      if (action === 'auth.self') return true;
      // A one-time password must be changed, and a second factor set up, before anything else.
      return principal.pending === null && STAFF_ACTIONS[principal.role].has(action);
    case 'device':
      return DEVICE_ACTIONS.has(action);
    case 'system':
      return true;
  }
}

/** Which volunteers a principal may see or change. */
export type VolunteerScope =
  | { kind: 'all' }
  /** Volunteers whose home area is one of these areas or lies below one of them. */
  | { kind: 'areas'; areas: readonly string[] }
  /** Volunteers this actor registered since `since` (agents: the last 24 hours). */
  | { kind: 'captured'; actor: string; since: string }
  | { kind: 'none' };

export const AGENT_WINDOW_MS = 24 * 3600 * 1000;

export function volunteerScope(principal: Principal, now: Date): VolunteerScope {
  switch (principal.kind) {
    case 'system':
      return { kind: 'all' };
    case 'device':
      return { kind: 'captured', actor: `device:${principal.deviceId}`, since: new Date(now.getTime() - AGENT_WINDOW_MS).toISOString() };
    case 'staff':
      switch (principal.role) {
        case 'admin':
          return { kind: 'all' };
        case 'coordinator':
        case 'officer':
          return { kind: 'areas', areas: principal.areas };
        case 'agent':
          return { kind: 'captured', actor: `user:${principal.userId}`, since: new Date(now.getTime() - AGENT_WINDOW_MS).toISOString() };
        default:
          return { kind: 'none' };
      }
    case 'public':
      return { kind: 'none' };
  }
}

/** What the policy needs to know of a volunteer to decide. */
export interface VolunteerFacts {
  area: string;
  capturedBy: string;
  createdAt: string;
}

/** `ancestorsOf` gives an area and every area above it (from the drive). */
export function inScope(scope: VolunteerScope, volunteer: VolunteerFacts, ancestorsOf: (pcode: string) => readonly string[]): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'captured':
      return volunteer.capturedBy === scope.actor && volunteer.createdAt >= scope.since;
    case 'areas': {
      const lineage = ancestorsOf(volunteer.area);
      return scope.areas.some((area) => lineage.includes(area));
    }
  }
}

/**
 * Whether a call-up is within an officer's areas: one of its areas lies within one of theirs, or one of
 * theirs within one of its areas (a national call-up concerns every commune's officer). Other principals
 * allowed to read call-ups see them all.
 */
export function callupInScope(principal: Principal, callupAreas: readonly string[], ancestorsOf: (pcode: string) => readonly string[]): boolean {
  if (principal.kind !== 'staff' || principal.role !== 'officer') return true;
  return callupAreas.some((area) => principal.areas.some((mine) => ancestorsOf(area).includes(mine) || ancestorsOf(mine).includes(area)));
}

/** Fields of a volunteer that may be shown; the rest is removed before anything leaves the server. */
export const PERSONAL_FIELDS = ['givenName', 'familyName', 'sex', 'birthDate', 'birthYear', 'birthPrecision', 'phone', 'nationalId'] as const;
export type VolunteerField =
  | (typeof PERSONAL_FIELDS)[number]
  | 'id'
  | 'reference'
  | 'status'
  | 'area'
  | 'site'
  | 'channel'
  | 'roles'
  | 'skills'
  | 'languages'
  | 'availability'
  | 'consent'
  | 'recordedAt'
  | 'createdAt'
  | 'updatedAt'
  | 'withdrawnAt';

const ALL_FIELDS: readonly VolunteerField[] = [
  'id', 'reference', 'status', 'givenName', 'familyName', 'sex', 'birthDate', 'birthYear', 'birthPrecision', 'phone', 'nationalId',
  'area', 'site', 'channel', 'roles', 'skills', 'languages', 'availability', 'consent', 'recordedAt', 'createdAt', 'updatedAt', 'withdrawnAt',
];
const WITHOUT_ID_NUMBER = ALL_FIELDS.filter((f) => f !== 'nationalId');
/** A call-up officer needs to reach people, nothing more: name, phone, roles, availability. */
const OFFICER_FIELDS: readonly VolunteerField[] = ['id', 'reference', 'status', 'givenName', 'familyName', 'phone', 'area', 'roles', 'skills', 'languages', 'availability'];

export function visibleFields(principal: Principal): ReadonlySet<VolunteerField> {
  switch (principal.kind) {
    case 'system':
      return new Set(ALL_FIELDS);
    case 'device':
      return new Set(WITHOUT_ID_NUMBER);
    case 'public':
      return new Set();
    case 'staff':
      switch (principal.role) {
        case 'admin':
          return new Set(ALL_FIELDS);
        case 'coordinator':
        case 'agent':
          return new Set(WITHOUT_ID_NUMBER);
        case 'officer':
          return new Set(OFFICER_FIELDS);
        default:
          return new Set();
      }
  }
}

/** Keeps only the visible fields of a volunteer view. */
export function redact<T extends object>(record: T, fields: ReadonlySet<VolunteerField>): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(record) as Array<keyof T>) {
    if (fields.has(key as VolunteerField)) out[key] = record[key];
  }
  return out;
}
