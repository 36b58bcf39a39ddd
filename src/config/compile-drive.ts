import type { DriveConfig, Localized } from './drive-schema.ts';

/**
 * A drive configuration compiled into lookups. No Node.js imports: the agent app runs the same
 * registration rules in the browser with a drive compiled here.
 */

export type Role = DriveConfig['roles'][number];
export type Skill = DriveConfig['skills'][number];
export type Area = DriveConfig['areas'][number];
export type Site = DriveConfig['sites'][number];

/** A validated configuration with the lookups used on hot paths precomputed. */
export interface Drive {
  readonly config: DriveConfig;
  readonly roles: ReadonlyMap<string, Role>;
  readonly skills: ReadonlyMap<string, Skill>;
  readonly areas: ReadonlyMap<string, Area>;
  readonly sites: ReadonlyMap<string, Site>;
  /** Every interface language code, complete or not. */
  readonly languages: ReadonlySet<string>;
  readonly completeLanguages: ReadonlySet<string>;
  /** Codes a volunteer may give as languages spoken. */
  readonly spokenLanguages: ReadonlySet<string>;
  /** The current consent notice version and the earlier ones still accepted. */
  readonly consentVersions: ReadonlySet<string>;
  /** The area itself, then every area below it (depth first, by name); empty for an unknown P-code. */
  descendantsOf(pcode: string): readonly string[];
  /** The area itself, then its parent, up to its region; empty for an unknown P-code. */
  ancestorsOf: (pcode: string) => readonly string[];
  /** The areas directly below `pcode` (regions for `null`), sorted by name for numbered menus. */
  children(pcode: string | null): readonly Area[];
  /** The level-1 area containing `pcode` (itself for a region). */
  regionOf(pcode: string): Area | undefined;
  /** The text in `lang`, else in the default language, else in any language. */
  label(labels: Localized, lang: string): string;
}

const NONE: readonly never[] = Object.freeze([]);

/** Builds the lookups of a configuration that passed `parseDriveConfig`. */
export function compileDrive(config: DriveConfig): Drive {
  const byId = <T, K>(items: readonly T[], key: (item: T) => K): ReadonlyMap<K, T> => new Map(items.map((item) => [key(item), item]));
  const areas = byId(config.areas, (a) => a.pcode);

  // Sorted by name in the default language's collation ("Zinder I" before "Zinder II"); P-code breaks
  // ties, since two communes may share a name (Tibiri, Gangara).
  const collator = new Intl.Collator(config.defaultLanguage, { sensitivity: 'base', numeric: true });
  const childrenOf = new Map<string | null, Area[]>();
  for (const area of config.areas) {
    const siblings = childrenOf.get(area.parent);
    if (siblings) siblings.push(area);
    else childrenOf.set(area.parent, [area]);
  }
  for (const siblings of childrenOf.values()) {
    siblings.sort((a, b) => collator.compare(a.name, b.name) || (a.pcode < b.pcode ? -1 : 1));
    Object.freeze(siblings);
  }

  // Arrays are frozen because they are shared between all callers.
  const descendants = new Map<string, readonly string[]>();
  const collect = (area: Area): string[] => {
    const list = [area.pcode];
    for (const child of childrenOf.get(area.pcode) ?? NONE) list.push(...collect(child));
    descendants.set(area.pcode, Object.freeze(list));
    return list;
  };
  for (const region of childrenOf.get(null) ?? NONE) collect(region);

  const ancestors = new Map<string, readonly string[]>();
  for (const area of config.areas) {
    const chain: string[] = [];
    // The `includes` guard only matters for an unchecked config with a cycle.
    for (let at: Area | undefined = area; at && !chain.includes(at.pcode); at = at.parent === null ? undefined : areas.get(at.parent)) {
      chain.push(at.pcode);
    }
    ancestors.set(area.pcode, Object.freeze(chain));
  }

  return {
    config,
    roles: byId(config.roles, (r) => r.id),
    skills: byId(config.skills, (s) => s.id),
    areas,
    sites: byId(config.sites, (s) => s.id),
    languages: new Set(config.languages.map((l) => l.code)),
    completeLanguages: new Set(config.languages.filter((l) => l.complete).map((l) => l.code)),
    spokenLanguages: new Set(config.spokenLanguages.map((l) => l.code)),
    consentVersions: new Set([config.consent.version, ...config.consent.acceptedVersions]),
    descendantsOf: (pcode) => descendants.get(pcode) ?? NONE,
    ancestorsOf: (pcode) => ancestors.get(pcode) ?? NONE,
    children: (pcode) => childrenOf.get(pcode) ?? NONE,
    regionOf: (pcode) => {
      const chain = ancestors.get(pcode);
      const top = chain?.[chain.length - 1];
      return top === undefined ? undefined : areas.get(top);
    },
    label: (labels, lang) => labels[lang] ?? labels[config.defaultLanguage] ?? Object.values(labels)[0] ?? '',
  };
}
