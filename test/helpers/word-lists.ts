import type { Kysely } from 'kysely';
import type { MusterSchema } from '../../src/store/schema.ts';
import { wordList } from '../../src/store/word-list.ts';

/**
 * Every volunteer whose `roles` or `skills` word list (migration 0010) is not exactly wordList() of
 * what volunteer_roles and volunteer_skills, the record, hold for that person: empty when the lists
 * are in step. Read straight from the tables, not through the store, so that the store is held to the
 * record rather than to itself.
 */
export async function wordListMismatches(db: Kysely<MusterSchema>): Promise<Array<{ id: string; roles: string; skills: string; expected: { roles: string; skills: string } }>> {
  const [rows, roles, skills] = await Promise.all([
    db.selectFrom('volunteers').select(['id', 'roles', 'skills']).orderBy('id').execute(),
    db.selectFrom('volunteer_roles').select(['volunteer_id', 'role']).execute(),
    db.selectFrom('volunteer_skills').select(['volunteer_id', 'skill']).execute(),
  ]);
  const group = (pairs: ReadonlyArray<readonly [string, string]>) => {
    const map = new Map<string, string[]>();
    for (const [id, value] of pairs) map.set(id, [...(map.get(id) ?? []), value]);
    return map;
  };
  const roleMap = group(roles.map((r) => [r.volunteer_id, r.role] as const));
  const skillMap = group(skills.map((s) => [s.volunteer_id, s.skill] as const));
  return rows
    .map((row) => ({ ...row, expected: { roles: wordList(roleMap.get(row.id) ?? []), skills: wordList(skillMap.get(row.id) ?? []) } }))
    .filter((row) => row.roles !== row.expected.roles || row.skills !== row.expected.skills);
}
