import type { Drive } from '../config/load-drive.ts';
import type { Volunteer } from '../domain/volunteer.ts';
import { recordAudit } from '../store/audit-pending.ts';
import type { Database } from '../store/database.ts';
import type { VolunteerFilter, VolunteerStore } from '../store/volunteer-store.ts';
import { areasWithinScope, callerActor, canSee, presentFor, scopeOf, type Caller } from './access-context.ts';

export interface ReadDeps {
  database: Database;
  volunteers: VolunteerStore;
  drive: Drive;
  clock: () => Date;
}

/**
 * One volunteer, as the caller may see it, or null when it does not exist or is outside the caller's
 * scope (the two are indistinguishable, so ids cannot be probed). Every read is audited.
 */
export async function getVolunteer(deps: ReadDeps, caller: Caller, id: string): Promise<Partial<Volunteer> | null> {
  const now = deps.clock();
  const volunteer = await deps.volunteers.get(deps.database.db, id);
  if (!volunteer || !canSee(scopeOf(caller, now), volunteer, deps.drive)) return null;
  await deps.database.write((trx) =>
    recordAudit(trx, { at: now.toISOString(), actor: callerActor(caller), action: 'volunteer.read', details: { volunteerIds: [id] }, ip: caller.ip }),
  );
  return presentFor(caller, volunteer);
}

export interface ListRequest extends Omit<VolunteerFilter, 'areas' | 'capturedBy' | 'createdSince'> {
  /** P-code of an area: volunteers of this area and of every area below it. */
  area?: string | undefined;
  limit: number;
  /** Opaque cursor returned with the previous page. */
  cursor?: string | undefined;
}

export interface VolunteerPage {
  items: Array<Partial<Volunteer>>;
  nextCursor: string | null;
}

export const MAX_PAGE_SIZE = 100;

export class InvalidCursorError extends Error {}

/** One page of the volunteers the caller may see, newest first, with a cursor for the next page. Audited. */
export async function listVolunteers(deps: ReadDeps, caller: Caller, request: ListRequest): Promise<VolunteerPage> {
  const now = deps.clock();
  const limit = Math.min(Math.max(1, request.limit), MAX_PAGE_SIZE);
  const before = request.cursor ? decodeCursor(request.cursor) : undefined;
  const scope = scopeOf(caller, now);
  let areas: readonly string[] | undefined = request.area ? deps.drive.descendantsOf(request.area) : undefined;
  let capturedBy: string | undefined;
  let createdSince: string | undefined;
  switch (scope.kind) {
    case 'none':
      areas = [];
      break;
    case 'areas':
      areas = areasWithinScope(scope.areas, deps.drive, areas);
      break;
    case 'captured':
      capturedBy = scope.actor;
      createdSince = scope.since;
      break;
    case 'all':
      break;
  }
  const filter = {
    areas,
    capturedBy,
    createdSince,
    role: request.role,
    skill: request.skill,
    availability: request.availability,
    status: request.status,
    reference: request.reference,
    phone: request.phone,
  };
  const items = await deps.volunteers.list(deps.database.db, filter, { limit: limit + 1, before });
  const hasMore = items.length > limit;
  const page = hasMore ? items.slice(0, limit) : items;
  const last = page.at(-1);
  await deps.database.write((trx) =>
    recordAudit(trx, {
      at: now.toISOString(),
      actor: callerActor(caller),
      action: 'volunteer.search',
      details: {
        // Whether a reference or a phone was searched, never which (a phone number is personal data).
        filters: {
          area: request.area,
          role: request.role,
          skill: request.skill,
          availability: request.availability,
          status: request.status,
          cursor: request.cursor !== undefined,
          ...(request.reference ? { reference: true } : {}),
          ...(request.phone ? { phone: true } : {}),
        },
        count: page.length,
        volunteerIds: page.map((v) => v.id),
      },
      ip: caller.ip,
    }),
  );
  return { items: page.map((v) => presentFor(caller, v)), nextCursor: hasMore && last ? encodeCursor(last.id) : null };
}

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new InvalidCursorError('invalid cursor');
  return id;
}
