import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The name alias table and the normalisation rules that go with it (particles, titles, prefixes that
 * are joined to the next token), shipped as data in config/dedup/name-aliases.json so that a
 * deployment can extend them without a code change.
 *
 * Extension: MUSTER_NAME_ALIASES may name one or more extra files (separated like PATH). Each has the
 * same shape as the shipped file, every key optional but "version": new "groups" are added (a token
 * already in a group is an error, not a silent merge), "extend" adds spellings to an existing group
 * (`{ "extend": { "mohamed": ["mouhammad"] } }`, keyed by any member), and "particles", "titles",
 * "joinPrefixes" and "conditionalJoins" add rules.
 */

export const DEFAULT_NAME_ALIASES_PATH = fileURLToPath(new URL('../../../config/dedup/name-aliases.json', import.meta.url));
export const NAME_ALIASES_ENV = 'MUSTER_NAME_ALIASES';

/** A normalised token: what normalizeName produces, so the only thing a table entry can be written as. */
const TOKEN = /^[a-z]+$/;

export interface NameRules {
  /** Dropped when another token follows ("son of", "daughter of"). */
  readonly particles: ReadonlySet<string>;
  /** Dropped at the start of a name when a token that is not a title follows. */
  readonly titles: ReadonlySet<string>;
  /** Always joined with the next token ("abdel kader" -> "abdelkader"). */
  readonly joinPrefixes: ReadonlySet<string>;
  /** Prefix -> the tokens before which it is joined ("abdou" before "rahamane", not before "moussa"). */
  readonly conditionalJoins: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface NameAliasTable {
  readonly rules: NameRules;
  /** The groups, each with its canonical form first. */
  readonly groups: readonly (readonly string[])[];
  /** The group's first member, or the token itself when it is in no group. */
  canonical(token: string): string;
  /** Whether the token is in some group. */
  has(token: string): boolean;
}

/** One configuration document and where it came from (for error messages). */
export interface NameAliasSource {
  origin: string;
  data: unknown;
}

const KNOWN_KEYS = new Set(['version', 'source', 'notes', 'groups', 'extend', 'particles', 'titles', 'notDropped', 'joinPrefixes', 'conditionalJoins']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkToken(token: unknown, origin: string, where: string): string {
  if (typeof token !== 'string' || !TOKEN.test(token)) {
    throw new Error(`${origin}: ${where}: ${JSON.stringify(token)} is not a normalised name token (lower-case a-z only, no accents or spaces; write compounds joined, e.g. "abdoulkader")`);
  }
  return token;
}

function tokenList(value: unknown, origin: string, where: string): string[] {
  if (!Array.isArray(value)) throw new Error(`${origin}: ${where} must be an array of tokens`);
  return value.map((t, i) => checkToken(t, origin, `${where}[${i}]`));
}

/** A `{ token: "why" }` object: the reason is documentation, but must be there. */
function documentedTokens(value: unknown, origin: string, key: string): string[] {
  if (value === undefined) return [];
  if (!isRecord(value)) throw new Error(`${origin}: "${key}" must be an object { token: "why it is there" }`);
  return Object.entries(value).map(([token, why]) => {
    checkToken(token, origin, `"${key}"`);
    if (typeof why !== 'string' || why.trim() === '') throw new Error(`${origin}: "${key}"."${token}" must say why, as a non-empty string`);
    return token;
  });
}

/**
 * Builds the table from the shipped file and any extensions, in order. Throws a message naming the file
 * and the token for anything malformed, and for a token that would belong to two groups.
 */
export function buildNameAliasTable(sources: readonly NameAliasSource[]): NameAliasTable {
  const groups: string[][] = [];
  const groupOf = new Map<string, number>();
  const groupOrigin: string[] = [];
  const particles = new Set<string>();
  const titles = new Set<string>();
  const joinPrefixes = new Set<string>();
  const conditionalJoins = new Map<string, Set<string>>();

  const addToken = (token: string, group: number, origin: string): void => {
    const existing = groupOf.get(token);
    if (existing !== undefined) {
      const first = groups[existing]?.[0] ?? token;
      const second = groups[group]?.[0] ?? token;
      const detail =
        existing === group
          ? `twice in the group of "${first}"`
          : `in two alias groups: "${first}" (${groupOrigin[existing] ?? origin}) and "${second}" (${origin})`;
      throw new Error(`${origin}: name "${token}" is ${detail}; a token may belong to one group only`);
    }
    groupOf.set(token, group);
    groups[group]?.push(token);
  };

  for (const { origin, data } of sources) {
    if (!isRecord(data)) throw new Error(`${origin}: expected a JSON object`);
    for (const key of Object.keys(data)) if (!KNOWN_KEYS.has(key)) throw new Error(`${origin}: unknown key "${key}"`);
    if (data.version !== 1) throw new Error(`${origin}: "version" must be 1`);

    if (data.groups !== undefined) {
      if (!Array.isArray(data.groups)) throw new Error(`${origin}: "groups" must be an array of arrays of tokens`);
      data.groups.forEach((raw: unknown, i) => {
        const tokens = tokenList(raw, origin, `groups[${i}]`);
        if (tokens.length === 0) throw new Error(`${origin}: groups[${i}] is empty`);
        const index = groups.length;
        groups.push([]);
        groupOrigin.push(origin);
        for (const token of tokens) addToken(token, index, origin);
      });
    }

    if (data.extend !== undefined) {
      if (!isRecord(data.extend)) throw new Error(`${origin}: "extend" must be an object { member: [new tokens] }`);
      for (const [member, raw] of Object.entries(data.extend)) {
        const index = groupOf.get(member);
        if (index === undefined) throw new Error(`${origin}: "extend"."${member}": "${member}" is in no alias group`);
        for (const token of tokenList(raw, origin, `extend.${member}`)) addToken(token, index, origin);
      }
    }

    for (const t of documentedTokens(data.particles, origin, 'particles')) particles.add(t);
    for (const t of documentedTokens(data.titles, origin, 'titles')) titles.add(t);
    for (const t of documentedTokens(data.joinPrefixes, origin, 'joinPrefixes')) joinPrefixes.add(t);
    if (data.notDropped !== undefined) documentedTokens(data.notDropped, origin, 'notDropped');

    if (data.conditionalJoins !== undefined) {
      if (!Array.isArray(data.conditionalJoins)) throw new Error(`${origin}: "conditionalJoins" must be an array`);
      data.conditionalJoins.forEach((rule: unknown, i) => {
        if (!isRecord(rule)) throw new Error(`${origin}: conditionalJoins[${i}] must be an object { prefixes, followers, why }`);
        const prefixes = tokenList(rule.prefixes, origin, `conditionalJoins[${i}].prefixes`);
        const followers = tokenList(rule.followers, origin, `conditionalJoins[${i}].followers`);
        for (const prefix of prefixes) {
          const set = conditionalJoins.get(prefix) ?? new Set<string>();
          for (const f of followers) set.add(f);
          conditionalJoins.set(prefix, set);
        }
      });
    }
  }

  // A token with two roles would be normalised by whichever rule runs first: refuse it instead.
  for (const t of particles) {
    if (joinPrefixes.has(t) || conditionalJoins.has(t)) throw new Error(`name rules: "${t}" is both a particle (dropped) and a prefix (joined)`);
  }

  const rules: NameRules = { particles, titles, joinPrefixes, conditionalJoins };
  return {
    rules,
    groups,
    canonical: (token) => {
      const index = groupOf.get(token);
      return index === undefined ? token : (groups[index]?.[0] ?? token);
    },
    has: (token) => groupOf.has(token),
  };
}

function readSource(path: string): NameAliasSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`name aliases: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return { origin: path, data: JSON.parse(text) as unknown };
  } catch (error) {
    throw new Error(`name aliases: ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads and builds the table from the shipped file plus the extra files given (if any). */
export function loadNameAliasTable(extraPaths: readonly string[] = []): NameAliasTable {
  return buildNameAliasTable([DEFAULT_NAME_ALIASES_PATH, ...extraPaths].map(readSource));
}

let table: NameAliasTable | undefined;

/**
 * The process-wide table: the shipped file plus MUSTER_NAME_ALIASES, read on first use (not at import,
 * so that a misconfigured extension fails where names are first compared, with its message).
 */
export function nameAliasTable(): NameAliasTable {
  if (table === undefined) {
    const extra = (process.env[NAME_ALIASES_ENV] ?? '').split(delimiter).filter((p) => p.trim() !== '');
    table = loadNameAliasTable(extra);
  }
  return table;
}

/** The canonical form of a normalised token: its alias group's first member, or the token itself. */
export function canonicalToken(token: string): string {
  return nameAliasTable().canonical(token);
}

export function aliasGroupCount(): number {
  return nameAliasTable().groups.length;
}
