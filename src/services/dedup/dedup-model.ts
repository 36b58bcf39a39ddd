import { readFileSync } from 'node:fs';
import { parametersFromJson, type ModelParameters } from '../../dedup/model/fellegi-sunter.ts';
import type { Database } from '../../store/database.ts';

/** Pairs at or above this match probability go to the review queue. */
export const REVIEW_THRESHOLD = 0.5;

const SETTING = 'dedup_model';
const DEFAULT_MODEL_PATH = new URL('../../../config/dedup/default-model.json', import.meta.url);

let defaultModel: ModelParameters | null = null;

/**
 * The match model for checking new registrations: the one estimated from the registry (saved by a
 * batch run in settings) when there is one, else the shipped default estimated from a synthetic
 * population of the drive (scripts/build-default-dedup-model.ts).
 */
export async function currentDedupModel(database: Database): Promise<ModelParameters> {
  const cached = cache.get(database);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.model;
  const row = await database.db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirst();
  defaultModel ??= parametersFromJson(readFileSync(DEFAULT_MODEL_PATH, 'utf8'));
  const model = row ? parametersFromJson(row.value) : defaultModel;
  cache.set(database, { model, at: Date.now() });
  return model;
}

/** The model changes only when a batch run saves a new one: read it at most this often. */
const CACHE_MS = 30_000;
let cache = new WeakMap<Database, { model: ModelParameters; at: number }>();

/** After a batch run saved a new model in this process. */
export function forgetCachedDedupModel(): void {
  cache = new WeakMap();
}
