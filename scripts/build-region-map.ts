// Writes web/console/niger-regions.ts (the console's region map) from config/data/niger-regions.geojson.
// Run: node bin/run-ts.js scripts/build-region-map.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildRegionMap, regionMapModule } from '../src/web/region-map.ts';

const source = fileURLToPath(new URL('../config/data/niger-regions.geojson', import.meta.url));
const target = fileURLToPath(new URL('../web/console/niger-regions.ts', import.meta.url));
const text = regionMapModule(buildRegionMap(JSON.parse(readFileSync(source, 'utf8')) as Parameters<typeof buildRegionMap>[0]));
writeFileSync(target, text);
console.log(`wrote ${target} (${text.length} bytes)`);
