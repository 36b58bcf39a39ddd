/**
 * The area hierarchy and registration sites as the volunteer generator needs them: regions weighted
 * by population, the areas of each region by level, parents, children, and the sites of a region.
 */

import { NAME_GROUPS, type NameGroup } from './names.ts';
import { NATIONAL_GROUPS, NIGER_REGION_GROUPS } from './niger-demography.ts';
import { weightedTable, type Random, type WeightedTable } from './random.ts';

export interface AreaOption {
  pcode: string;
  level: number;
  parent: string | null;
}

export interface SiteOption {
  id: string;
  area: string;
}

export interface RegionInfo {
  pcode: string;
  /** Communities living in the region. */
  groups: WeightedTable<NameGroup>;
  /** Areas below the region, one list per level, shallowest first (empty when the region has none). */
  levels: readonly (readonly string[])[];
  /** Sites located anywhere in the region. */
  sites: readonly string[];
}

export interface AreaIndex {
  regions: WeightedTable<RegionInfo>;
  regionOf(pcode: string): RegionInfo;
  parentOf(pcode: string): string | undefined;
  childrenOf(pcode: string): readonly string[];
  /** A home area in the region: most often at the deepest level (a commune), else a level above. */
  drawArea(random: Random, region: RegionInfo): string;
}

export function buildAreaIndex(
  areas: readonly AreaOption[],
  sites: readonly SiteOption[],
  regionWeights: Readonly<Record<string, number>>,
): AreaIndex {
  if (areas.length === 0) throw new RangeError('at least one area is needed');
  const byCode = new Map(areas.map((area) => [area.pcode, area]));
  const children = new Map<string, string[]>();
  for (const area of areas) {
    if (area.parent === null || !byCode.has(area.parent)) continue;
    const list = children.get(area.parent) ?? [];
    list.push(area.pcode);
    children.set(area.parent, list);
  }

  const rootCache = new Map<string, string>();
  const rootOf = (pcode: string): string => {
    const cached = rootCache.get(pcode);
    if (cached !== undefined) return cached;
    let current = pcode;
    for (let depth = 0; depth < 64; depth++) {
      const parent = byCode.get(current)?.parent;
      if (parent === null || parent === undefined || !byCode.has(parent)) break;
      current = parent;
    }
    rootCache.set(pcode, current);
    return current;
  };

  const regionCodes = areas.filter((area) => rootOf(area.pcode) === area.pcode).map((area) => area.pcode);
  const regions = new Map<string, RegionInfo & { levels: string[][]; sites: string[] }>();
  for (const code of regionCodes) {
    const mix = NIGER_REGION_GROUPS[code] ?? NATIONAL_GROUPS;
    regions.set(code, { pcode: code, groups: weightedTable(NAME_GROUPS, (g) => mix[g]), levels: [], sites: [] });
  }
  const levelsOf = new Map<string, Map<number, string[]>>();
  for (const area of areas) {
    const root = rootOf(area.pcode);
    if (root === area.pcode) continue;
    const byLevel = levelsOf.get(root) ?? new Map<number, string[]>();
    const list = byLevel.get(area.level) ?? [];
    list.push(area.pcode);
    byLevel.set(area.level, list);
    levelsOf.set(root, byLevel);
  }
  for (const [root, byLevel] of levelsOf) {
    const region = regions.get(root);
    if (region) region.levels = [...byLevel.entries()].sort((a, b) => a[0] - b[0]).map(([, codes]) => codes);
  }
  for (const site of sites) {
    if (!byCode.has(site.area)) continue;
    regions.get(rootOf(site.area))?.sites.push(site.id);
  }

  const known = regionCodes.some((code) => (regionWeights[code] ?? 0) > 0);
  const regionTable = weightedTable([...regions.values()], (region) => (known ? (regionWeights[region.pcode] ?? 0) : 1));

  return {
    regions: regionTable,
    regionOf(pcode: string): RegionInfo {
      const region = regions.get(rootOf(pcode));
      if (!region) throw new RangeError(`unknown area ${pcode}`);
      return region;
    },
    parentOf(pcode: string): string | undefined {
      const parent = byCode.get(pcode)?.parent;
      return parent !== null && parent !== undefined && byCode.has(parent) ? parent : undefined;
    },
    childrenOf: (pcode: string): readonly string[] => children.get(pcode) ?? [],
    drawArea(random: Random, region: RegionInfo): string {
      const levels = region.levels;
      if (levels.length === 0) return region.pcode;
      const deepest = levels.length - 1;
      const level = deepest === 0 || random.chance(0.75) ? deepest : random.int(0, deepest - 1);
      return random.pick(levels[level] ?? [region.pcode]);
    },
  };
}
