import type { Drive } from '../config/load-drive.ts';
import type { Volunteer } from '../domain/volunteer.ts';
import type { Database } from '../store/database.ts';
import type { VolunteerFilter, VolunteerStore } from '../store/volunteer-store.ts';

export interface ReadDeps {
  database: Database;
  volunteers: VolunteerStore;
  drive: Drive;
}

export function getVolunteer(deps: ReadDeps, id: string): Promise<Volunteer | null> {
  return deps.volunteers.get(deps.database.db, id);
}

export interface ListRequest extends Omit<VolunteerFilter, 'areas'> {
  /** P-code of an area: volunteers of this area and of every area below it. */
  area?: string | undefined;
  limit: number;
  /** Opaque cursor returned with the previous page. */
  cursor?: string | undefined;
}

export interface VolunteerPage {
  items: Volunteer[];
  nextCursor: string | null;
}

export const MAX_PAGE_SIZE = 100;

export class InvalidCursorError extends Error {}

/** One page of volunteers, newest first, with a cursor for the next page. */
export async function listVolunteers(deps: ReadDeps, request: ListRequest): Promise<VolunteerPage> {
  const limit = Math.min(Math.max(1, request.limit), MAX_PAGE_SIZE);
  const before = request.cursor ? decodeCursor(request.cursor) : undefined;
  const areas = request.area ? deps.drive.descendantsOf(request.area) : undefined;
  const items = await deps.volunteers.list(
    deps.database.db,
    { areas, role: request.role, skill: request.skill, availability: request.availability, status: request.status },
    { limit: limit + 1, before },
  );
  const hasMore = items.length > limit;
  const page = hasMore ? items.slice(0, limit) : items;
  const last = page.at(-1);
  return { items: page, nextCursor: hasMore && last ? encodeCursor(last.id) : null };
}

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new InvalidCursorError('invalid cursor');
  return id;
}
