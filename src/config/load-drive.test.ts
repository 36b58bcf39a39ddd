import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DRIVE_PATH, DriveConfigError, compileDrive, loadDrive, loadDriveConfig, parseDriveConfig } from './load-drive.ts';
import type { DriveConfig } from './drive-schema.ts';

const CSV_PATH = fileURLToPath(new URL('../../config/data/niger-areas.csv', import.meta.url));
const SHIPPED_TEXT = readFileSync(DEFAULT_DRIVE_PATH, 'utf8');

/** A fresh deep copy of the shipped file, to break in one place per test. */
function shipped(): DriveConfig {
  return JSON.parse(SHIPPED_TEXT) as DriveConfig;
}

function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new Error(`no item ${i}`);
  return item;
}

/** The problems reported for the shipped file after `mutate`; fails if it still loads. */
function problemsAfter(mutate: (config: DriveConfig) => void): string[] {
  const config = shipped();
  mutate(config);
  try {
    parseDriveConfig(config, 'test.json');
  } catch (error) {
    if (error instanceof DriveConfigError) return error.problems;
    throw error;
  }
  throw new Error('the broken configuration was accepted');
}

describe('the shipped Niger drive', () => {
  const drive = loadDrive(DEFAULT_DRIVE_PATH);
  const { config } = drive;

  it('loads, with the expected identity and languages', () => {
    expect(config.id).toBe('niger-2026');
    expect(config.timezone).toBe('Africa/Niamey');
    expect([...drive.completeLanguages]).toEqual(['fr', 'ha', 'en']);
    expect(drive.languages.has('dje')).toBe(true);
    expect(drive.spokenLanguages.has('gux')).toBe(true);
    expect([...drive.consentVersions]).toEqual(['1']);
  });

  it('has 8 regions, 67 departments and 266 communes', () => {
    const count = (level: number) => config.areas.filter((a) => a.level === level).length;
    expect([count(1), count(2), count(3)]).toEqual([8, 67, 266]);
    expect(drive.areas.size).toBe(341);
  });

  it('has exactly the areas of config/data/niger-areas.csv (regenerate with scripts/build-niger-drive.ts)', () => {
    // The CSV quotes nothing, so splitting on commas is enough here.
    const rows = readFileSync(CSV_PATH, 'utf8').trim().split('\n').slice(1);
    const fromCsv = rows.map((row) => {
      const [level, pcode, name, parent] = row.split(',');
      return { pcode, name, level: Number(level), parent: parent === '' ? null : parent };
    });
    expect(config.areas).toEqual(fromCsv);
  });

  it('has the six roles and the required skills', () => {
    expect([...drive.roles.keys()]).toEqual(['defense', 'medical', 'logistics', 'transport', 'communications', 'other']);
    for (const id of ['nurse', 'doctor', 'midwife', 'pharmacist', 'first-aid', 'driver', 'mechanic', 'electrician',
      'radio-operator', 'it', 'cook', 'engineer', 'mason', 'carpenter', 'plumber', 'interpreter', 'teacher',
      'accountant', 'security-guard', 'logistician']) {
      expect(drive.skills.has(id), id).toBe(true);
    }
  });

  it('puts every site in a known area', () => {
    expect(drive.sites.size).toBeGreaterThanOrEqual(12);
    for (const site of drive.sites.values()) expect(drive.areas.has(site.area), site.id).toBe(true);
    expect(drive.regionOf(drive.sites.get('niamey-stade')?.area ?? '')?.name).toBe('Niamey');
  });

  it('lists Tillabéri and everything below it, and nothing of Niamey', () => {
    const tillaberi = drive.descendantsOf('NE006');
    expect(tillaberi[0]).toBe('NE006');
    expect(tillaberi).toEqual(expect.arrayContaining(['NE006008', 'NE006012', 'NE006008004', 'NE006002001']));
    // OCHA P-codes nest (a commune's code starts with its department's), which gives an independent answer.
    const expected = config.areas.filter((a) => a.pcode.startsWith('NE006')).map((a) => a.pcode);
    expect([...tillaberi].sort()).toEqual(expected.sort());
    expect(tillaberi).toHaveLength(1 + 13 + 45);
    expect(tillaberi.some((p) => p.startsWith('NE008'))).toBe(false);
    expect(drive.descendantsOf('NE006008004')).toEqual(['NE006008004']);
    expect(drive.descendantsOf('NE999')).toEqual([]);
  });

  it('walks up from a commune to its region', () => {
    expect(drive.ancestorsOf('NE006008004')).toEqual(['NE006008004', 'NE006008', 'NE006']);
    expect(drive.regionOf('NE006008004')?.pcode).toBe('NE006');
    expect(drive.regionOf('NE008')?.pcode).toBe('NE008');
    expect(drive.regionOf('NE999')).toBeUndefined();
  });

  it('lists children sorted by name for menus', () => {
    expect(drive.children(null).map((a) => a.name)).toEqual(['Agadez', 'Diffa', 'Dosso', 'Maradi', 'Niamey', 'Tahoua', 'Tillabéri', 'Zinder']);
    expect(drive.children('NE008001').map((a) => a.name)).toEqual(['Niamey I', 'Niamey II', 'Niamey III', 'Niamey IV', 'Niamey V']);
    expect(drive.children('NE006008004')).toEqual([]);
  });

  it('falls back to the default language, then to any language', () => {
    const role = drive.roles.get('medical');
    expect(role && drive.label(role.labels, 'ha')).toBe('Kiwon lafiya');
    expect(role && drive.label(role.labels, 'dje')).toBe('Soins médicaux');
    expect(drive.label({ en: 'Only English' }, 'ha')).toBe('Only English');
  });
});

describe('broken drive configurations', () => {
  it('reports a missing Hausa label', () => {
    expect(problemsAfter((c) => delete at(c.roles, 2).labels.ha)).toContain('roles[2].labels: missing "ha"');
  });

  it('reports an unknown parent', () => {
    const i = shipped().areas.findIndex((a) => a.pcode === 'NE006008004');
    expect(problemsAfter((c) => (at(c.areas, i).parent = 'NE999'))).toContain(`areas[${i}].parent: unknown area "NE999"`);
  });

  it('reports a parent at the wrong level', () => {
    const i = shipped().areas.findIndex((a) => a.pcode === 'NE006008004');
    expect(problemsAfter((c) => (at(c.areas, i).parent = 'NE006'))).toContain(`areas[${i}].parent: "NE006" is level 1, expected level 2`);
  });

  it('reports a site in an unknown area', () => {
    expect(problemsAfter((c) => (at(c.sites, 0).area = 'NE999'))).toContain('sites[0].area: unknown area "NE999"');
  });

  it('reports a duplicate role id', () => {
    expect(problemsAfter((c) => c.roles.push(structuredClone(at(c.roles, 0))))).toContain('roles[6].id: duplicate "defense" (also roles[0])');
  });

  it('reports a skill serving an unknown role', () => {
    expect(problemsAfter((c) => at(c.skills, 0).roles.push('cavalry'))).toContain('skills[0].roles[1]: unknown role "cavalry"');
  });

  it('reports a bad time zone', () => {
    expect(problemsAfter((c) => (c.timezone = 'Africa/Atlantis'))).toContain('timezone: unknown time zone "Africa/Atlantis"');
  });

  it('reports unknown fields by name', () => {
    const problems = problemsAfter((c) => {
      Object.assign(c, { colour: 'orange' });
      Object.assign(at(c.roles, 1), { icon: 'cross' });
    });
    expect(problems).toEqual(expect.arrayContaining(['colour: unknown field', 'roles[1].icon: unknown field']));
  });

  it('reports a default language that is not complete', () => {
    expect(problemsAfter((c) => (c.defaultLanguage = 'dje'))).toContain('defaultLanguage: "dje" is not a complete language');
  });

  it('reports a level-1 area with a parent, and a level without a label', () => {
    const problems = problemsAfter((c) => {
      at(c.areas, 0).parent = 'NE002';
      c.areaLevels.pop();
    });
    expect(problems).toEqual(expect.arrayContaining([
      'areas[0].parent: must be null for a level-1 area (found "NE002")',
      'areaLevels: no entry for level 3 (used by 266 areas)',
    ]));
  });

  it('reports every problem at once, not just the first', () => {
    const problems = problemsAfter((c) => {
      delete at(c.roles, 2).labels.ha;
      at(c.sites, 0).area = 'NE999';
      c.timezone = 'Africa/Atlantis';
      c.maximumAge = 10;
    });
    expect(problems).toEqual([
      'roles[2].labels: missing "ha"',
      'sites[0].area: unknown area "NE999"',
      'maximumAge: must be greater than minimumAge (18)',
      'timezone: unknown time zone "Africa/Atlantis"',
    ]);
  });

  it('reports every schema problem at once, with its path', () => {
    const problems = problemsAfter((c) => {
      Object.assign(c, { country: 'Niger' });
      Object.assign(at(c.skills, 3), { id: 'Bad Id' });
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^country: /);
    expect(problems[1]).toMatch(/^skills\[3\]\.id: /);
  });

  it('puts the source and every problem in the message', () => {
    const error = (() => {
      try {
        parseDriveConfig({ ...shipped(), timezone: 'Nowhere', minimumAge: 120 }, 'drives/x.json');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DriveConfigError);
    expect((error as Error).message).toBe(
      'drives/x.json: invalid drive configuration\n  maximumAge: must be greater than minimumAge (120)\n  timezone: unknown time zone "Nowhere"',
    );
  });
});

describe('loadDriveConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'muster-drive-'));

  it('names the path of a missing file', () => {
    const path = join(dir, 'missing.json');
    expect(() => loadDriveConfig(path)).toThrow(`${path}: invalid drive configuration\n  file not found`);
  });

  it('names the path of a file that is not JSON', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "id": ');
    expect(() => loadDriveConfig(path)).toThrow(new RegExp(`^${path}: invalid drive configuration\\n  not valid JSON: `));
  });

  it('compiles a copy of the shipped file saved elsewhere', () => {
    const path = join(dir, 'copy.json');
    writeFileSync(path, `\uFEFF${SHIPPED_TEXT}`);
    expect(compileDrive(loadDriveConfig(path)).areas.size).toBe(341);
  });
});
