import type { Migration } from 'kysely';
import { migration0001 } from './0001-volunteers.ts';
import { migration0002 } from './0002-staff-and-audit.ts';
import { migration0003 } from './0003-dedup.ts';
import { migration0004 } from './0004-messaging.ts';
import { migration0005 } from './0005-imports-exports.ts';
import { migration0006 } from './0006-callups.ts';
import { migration0007 } from './0007-callup-selection.ts';
import { migration0008 } from './0008-sealed-person.ts';
import { migration0009 } from './0009-callup-queue.ts';
import { migration0010 } from './0010-callup-pick.ts';

/**
 * Every migration, in order. Names are numbered; a migration is never edited once released: a change
 * is a new file.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-volunteers': migration0001,
  '0002-staff-and-audit': migration0002,
  '0003-dedup': migration0003,
  '0004-messaging': migration0004,
  '0005-imports-exports': migration0005,
  '0006-callups': migration0006,
  '0007-callup-selection': migration0007,
  '0008-sealed-person': migration0008,
  '0009-callup-queue': migration0009,
  '0010-callup-pick': migration0010,
};
