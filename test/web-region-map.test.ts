import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDrive } from '../src/config/load-drive.ts';
import { buildRegionMap, regionMapModule, simplify } from '../src/web/region-map.ts';

const geojson = JSON.parse(readFileSync(fileURLToPath(new URL('../config/data/niger-regions.geojson', import.meta.url)), 'utf8')) as Parameters<typeof buildRegionMap>[0];

describe('the console region map', () => {
  it('is the generated file (scripts/build-region-map.ts), not hand-edited or stale', () => {
    const shipped = readFileSync(fileURLToPath(new URL('../web/console/niger-regions.ts', import.meta.url)), 'utf8');
    expect(shipped).toBe(regionMapModule(buildRegionMap(geojson)));
  });

  it('has one outline per region of the drive, inside the drawing, and stays small', () => {
    const map = buildRegionMap(geojson);
    const regions = loadDrive().children(null).map((a) => a.pcode).sort();
    expect(map.regions.map((r) => r.pcode).sort()).toEqual(regions);
    for (const region of map.regions) {
      const numbers = [...region.d.matchAll(/-?\d+/g)].map((m) => Number(m[0]));
      expect(Math.min(...numbers)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...numbers)).toBeLessThanOrEqual(map.width);
      expect(region.d.split('L').length, region.name).toBeGreaterThanOrEqual(3);
    }
    expect(regionMapModule(map).length).toBeLessThan(8000);
  });

  it('simplifies a straight run of points to its ends and keeps a corner', () => {
    expect(simplify([[0, 0], [1, 0.01], [2, 0], [3, 0]], 0.1)).toEqual([[0, 0], [3, 0]]);
    expect(simplify([[0, 0], [1, 5], [2, 0]], 0.1)).toEqual([[0, 0], [1, 5], [2, 0]]);
  });
});
