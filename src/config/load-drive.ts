import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { driveConfigSchema } from './drive-schema.ts';
import type { DriveConfig, Localized } from './drive-schema.ts';

/**
 * Loading a drive configuration: parse it with the schema, check every cross-reference the schema
 * cannot express (parents, sites, labels in every complete language...), and compile it into a
 * `Drive` whose lookups are precomputed, because they run on every registration and every menu.
 */

export { compileDrive, type Area, type Drive, type Role, type Site, type Skill } from './compile-drive.ts';
import { compileDrive, type Area, type Drive } from './compile-drive.ts';

/** A configuration file that cannot be used. `problems` lists every problem found, not just the first. */
export class DriveConfigError extends Error {
  readonly source: string;
  readonly problems: string[];

  constructor(source: string, problems: string[]) {
    super(`${source}: invalid drive configuration\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'DriveConfigError';
    this.source = source;
    this.problems = problems;
  }
}

/** `roles[2].labels`: the form people search for in the file. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function issueLines(issue: z.core.$ZodIssue): string[] {
  const where = formatPath(issue.path);
  // One line per unknown key, naming the key itself: usually a typo of a field name.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`);
  }
  return [`${where === '' ? '(top level)' : where}: ${issue.message}`];
}

/** Reports items whose key was already used by an earlier item. */
function checkUnique<T>(items: readonly T[], key: (item: T) => string | number, where: string, field: string, problems: string[]): void {
  const seen = new Map<string | number, number>();
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else problems.push(`${where}[${i}].${field}: duplicate "${k}" (also ${where}[${first}])`);
  });
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The checks that need the whole file at once. Returns every problem found. */
function crossCheck(config: DriveConfig): string[] {
  const problems: string[] = [];

  checkUnique(config.languages, (l) => l.code, 'languages', 'code', problems);
  checkUnique(config.spokenLanguages, (l) => l.code, 'spokenLanguages', 'code', problems);
  checkUnique(config.roles, (r) => r.id, 'roles', 'id', problems);
  checkUnique(config.skills, (s) => s.id, 'skills', 'id', problems);
  checkUnique(config.areaLevels, (l) => l.level, 'areaLevels', 'level', problems);
  checkUnique(config.areas, (a) => a.pcode, 'areas', 'pcode', problems);
  checkUnique(config.sites, (s) => s.id, 'sites', 'id', problems);

  const declared = new Set(config.languages.map((l) => l.code));
  const complete = config.languages.filter((l) => l.complete).map((l) => l.code);
  if (!declared.has(config.defaultLanguage)) {
    problems.push(`defaultLanguage: unknown language "${config.defaultLanguage}"`);
  } else if (!complete.includes(config.defaultLanguage)) {
    // Everything falls back to the default language, so it must have every text.
    problems.push(`defaultLanguage: "${config.defaultLanguage}" is not a complete language`);
  }

  // A complete language promises every text; a key that is not a drive language is most likely a typo.
  const checkLocalized = (labels: Localized, where: string): void => {
    for (const code of complete) if (!Object.hasOwn(labels, code)) problems.push(`${where}: missing "${code}"`);
    for (const code of Object.keys(labels)) if (!declared.has(code)) problems.push(`${where}: unknown language "${code}"`);
  };
  checkLocalized(config.name, 'name');
  config.spokenLanguages.forEach((l, i) => checkLocalized(l.labels, `spokenLanguages[${i}].labels`));
  config.roles.forEach((r, i) => checkLocalized(r.labels, `roles[${i}].labels`));
  config.skills.forEach((s, i) => checkLocalized(s.labels, `skills[${i}].labels`));
  config.areaLevels.forEach((l, i) => checkLocalized(l.labels, `areaLevels[${i}].labels`));
  checkLocalized(config.consent.texts, 'consent.texts');

  const roleIds = new Set(config.roles.map((r) => r.id));
  config.skills.forEach((skill, i) => {
    skill.roles.forEach((role, j) => {
      if (!roleIds.has(role)) problems.push(`skills[${i}].roles[${j}]: unknown role "${role}"`);
    });
  });

  // The first area with a given P-code wins; duplicates are reported above.
  const areas = new Map<string, Area>();
  for (const area of config.areas) if (!areas.has(area.pcode)) areas.set(area.pcode, area);
  config.areas.forEach((area, i) => {
    const where = `areas[${i}].parent`;
    if (area.parent === null) {
      if (area.level !== 1) problems.push(`${where}: missing (only level-1 areas have no parent)`);
    } else if (area.level === 1) {
      problems.push(`${where}: must be null for a level-1 area (found "${area.parent}")`);
    } else {
      // Requiring parent level = child level - 1 also rules out cycles, which the lookups rely on.
      const parent = areas.get(area.parent);
      if (!parent) problems.push(`${where}: unknown area "${area.parent}"`);
      else if (parent.level !== area.level - 1) {
        problems.push(`${where}: "${area.parent}" is level ${parent.level}, expected level ${area.level - 1}`);
      }
    }
  });

  // One line per missing level rather than one per area: a missing level usually concerns hundreds.
  const levels = new Set(config.areaLevels.map((l) => l.level));
  const unlabelled = new Map<number, number>();
  for (const area of config.areas) if (!levels.has(area.level)) unlabelled.set(area.level, (unlabelled.get(area.level) ?? 0) + 1);
  for (const [level, count] of unlabelled) problems.push(`areaLevels: no entry for level ${level} (used by ${count} areas)`);

  config.sites.forEach((site, i) => {
    if (!areas.has(site.area)) problems.push(`sites[${i}].area: unknown area "${site.area}"`);
  });

  if (config.maximumAge <= config.minimumAge) {
    problems.push(`maximumAge: must be greater than minimumAge (${config.minimumAge})`);
  }
  if (!isValidTimeZone(config.timezone)) problems.push(`timezone: unknown time zone "${config.timezone}"`);

  return problems;
}

/**
 * Validates a parsed JSON value as a drive configuration. `source` (usually the file path) heads the
 * error message. Throws one `DriveConfigError` listing every problem.
 */
export function parseDriveConfig(raw: unknown, source: string): DriveConfig {
  const result = driveConfigSchema.safeParse(raw);
  // Cross-checks need a well-formed file, so they only run once the schema accepts it.
  if (!result.success) throw new DriveConfigError(source, result.error.issues.flatMap(issueLines));
  const problems = crossCheck(result.data);
  if (problems.length > 0) throw new DriveConfigError(source, problems);
  return result.data;
}

/** Reads and validates a drive configuration file. */
export function loadDriveConfig(path: string): DriveConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    const reason = code === 'ENOENT' ? 'file not found' : `cannot read the file: ${String(error)}`;
    throw new DriveConfigError(path, [reason]);
  }
  let raw: unknown;
  try {
    // Editors on Windows may save a byte-order mark, which JSON.parse rejects.
    raw = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new DriveConfigError(path, [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseDriveConfig(raw, path);
}

/** The shipped default drive (Niger), found relative to this module so any working directory works. */
export const DEFAULT_DRIVE_PATH = fileURLToPath(new URL('../../config/drives/niger.json', import.meta.url));

/**
 * Loads and compiles the drive named by MUSTER_DRIVE, or the default one. `||` rather than `??` so that
 * an empty MUSTER_DRIVE (as left by `MUSTER_DRIVE= cmd`) means the default, not a file named "".
 */
export function loadDrive(path: string = process.env.MUSTER_DRIVE || DEFAULT_DRIVE_PATH): Drive {
  return compileDrive(loadDriveConfig(path));
}
