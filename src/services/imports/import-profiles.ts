import { importMappingSchema, type ImportMapping } from '../../domain/import-mapping.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { uuidv7 } from '../../store/ids.ts';
import type { RegisterDeps } from '../register-volunteer.ts';
import { callerActor, type Caller } from '../access-context.ts';

export interface ImportProfile {
  id: string;
  name: string;
  mapping: ImportMapping;
  createdBy: string;
  updatedAt: string;
}

type Deps = Pick<RegisterDeps, 'database' | 'clock'>;

/** Saves (or replaces) a column mapping under a name, for the next lists typed from the same form. */
export async function saveProfile(deps: Deps, caller: Caller, name: string, mapping: ImportMapping): Promise<ImportProfile> {
  const now = deps.clock().toISOString();
  const actor = callerActor(caller);
  return deps.database.write(async (trx) => {
    const existing = await trx.selectFrom('import_profiles').select(['id', 'created_by']).where('name', '=', name).executeTakeFirst();
    const id = existing?.id ?? uuidv7();
    if (existing) {
      await trx.updateTable('import_profiles').set({ mapping: JSON.stringify(mapping), updated_at: now }).where('id', '=', id).execute();
    } else {
      await trx.insertInto('import_profiles').values({ id, name, mapping: JSON.stringify(mapping), created_by: actor, created_at: now, updated_at: now }).execute();
    }
    await recordAudit(trx, { at: now, actor, action: 'import.profile_save', details: { profileId: id, name }, ip: caller.ip });
    return { id, name, mapping, createdBy: existing?.created_by ?? actor, updatedAt: now };
  });
}

export async function loadProfile(deps: Deps, nameOrId: string): Promise<ImportProfile | null> {
  const row = await deps.database.db
    .selectFrom('import_profiles')
    .selectAll()
    .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', nameOrId)]))
    .executeTakeFirst();
  if (!row) return null;
  return { id: row.id, name: row.name, mapping: importMappingSchema.parse(JSON.parse(row.mapping)), createdBy: row.created_by, updatedAt: row.updated_at };
}

export async function listProfiles(deps: Deps): Promise<ImportProfile[]> {
  const rows = await deps.database.db.selectFrom('import_profiles').selectAll().orderBy('name').execute();
  return rows.map((row) => ({ id: row.id, name: row.name, mapping: importMappingSchema.parse(JSON.parse(row.mapping)), createdBy: row.created_by, updatedAt: row.updated_at }));
}
