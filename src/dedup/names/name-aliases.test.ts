import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES } from '../../demo/names.ts';
import {
  aliasGroupCount,
  buildNameAliasTable,
  canonicalToken,
  DEFAULT_NAME_ALIASES_PATH,
  loadNameAliasTable,
  NAME_ALIASES_ENV,
  nameAliasTable,
} from './name-aliases.ts';
import type { NameAliasSource } from './name-aliases.ts';
import { normalizeName } from './normalize-name.ts';

interface ShippedFile {
  version: number;
  source: string;
  groups: string[][];
  particles: Record<string, string>;
  titles: Record<string, string>;
  joinPrefixes: Record<string, string>;
}

const shipped = JSON.parse(readFileSync(DEFAULT_NAME_ALIASES_PATH, 'utf8')) as ShippedFile;

const dir = mkdtempSync(join(tmpdir(), 'muster-aliases-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(...data: unknown[]): ReturnType<typeof buildNameAliasTable> {
  return buildNameAliasTable(data.map((d, i): NameAliasSource => ({ origin: `source-${i + 1}.json`, data: d })));
}

/** All members of a group map to one canonical form. */
function expectOneGroup(...names: string[]): void {
  const canonical = names.map((n) => normalizeName(n).map(canonicalToken).join(' '));
  expect(new Set(canonical).size, `${names.join(', ')} -> ${canonical.join(', ')}`).toBe(1);
}

describe('the shipped alias table', () => {
  it('has at least 150 groups, each of two spellings or more', () => {
    expect(aliasGroupCount()).toBeGreaterThanOrEqual(150);
    expect(shipped.groups.length).toBe(aliasGroupCount());
    for (const group of shipped.groups) expect(group.length, group.join(',')).toBeGreaterThanOrEqual(2);
  });

  it('says where it comes from', () => {
    expect(shipped.version).toBe(1);
    expect(shipped.source).toMatch(/Compiled for Muster/);
  });

  it('puts no token in two groups (checked on the raw file, independently of the loader)', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const group of shipped.groups) {
      for (const token of group) {
        const other = seen.get(token);
        if (other !== undefined) clashes.push(`${token} in ${other} and ${group[0]}`);
        seen.set(token, group[0] ?? '');
      }
    }
    expect(clashes).toEqual([]);
  });

  it('writes every token as normalizeName produces it', () => {
    for (const token of shipped.groups.flat()) expect(normalizeName(token), token).toEqual([token]);
  });

  it('maps the issue examples together', () => {
    expectOneGroup('Mohamed', 'Mohammed', 'Mouhamed', 'Mahamadou', 'Muhammad', 'Mamadou', 'Mouhamadou');
    expectOneGroup('Boubacar', 'Abubakar', 'Aboubacar', 'Abou Bakar');
    expectOneGroup('Aïssatou', 'Aichatou', 'Aïcha', 'Aisha');
    expectOneGroup('Abdoulaye', 'Abdullahi', 'Abdallah', 'Abdou Laye');
    expectOneGroup('Ousmane', 'Usman', 'Othmane');
    expectOneGroup('Issoufou', 'Youssouf', 'Yusuf');
    expectOneGroup('Ibrahim', 'Brahim', 'Ibrahima');
    expectOneGroup('Fatouma', 'Fatima', 'Fatimata', 'Fati');
    expectOneGroup('Hadiza', 'Hadjia', 'Adiza');
    expectOneGroup('Abdoul Kader', 'Abdelkader', 'Abdel Kader', 'Abdulkadir');
    expectOneGroup('Abdou Rahamane', 'Abdourahmane', 'Abdurrahman', 'Abder Rahmane');
  });

  it('keeps names that share an origin but are used apart in different groups', () => {
    const differ = (a: string, b: string): void => expect(canonicalToken(a), `${a} / ${b}`).not.toBe(canonicalToken(b));
    differ('alassane', 'hassane');
    differ('hassane', 'hassana');
    differ('amadou', 'mahamadou');
    differ('bukar', 'boubacar');
    differ('hadiza', 'kadidja');
    differ('rhissa', 'issa');
    differ('ali', 'alou');
    differ('aminou', 'amina');
  });

  it('sees through every spelling variant of the demo name pools', () => {
    // Rhissa is the Tuareg form of Issa, but the demo uses both as separate given names: not aliased.
    const exceptions = new Set(['Ag Rhissa/Ag Issa']);
    const missed: string[] = [];
    for (const entry of [...MALE_GIVEN_NAMES, ...FEMALE_GIVEN_NAMES, ...FAMILY_NAMES]) {
      const canonical = normalizeName(entry.name).map(canonicalToken).join(' ');
      for (const variant of entry.variants) {
        const other = normalizeName(variant).map(canonicalToken).join(' ');
        if (other !== canonical && !exceptions.has(`${entry.name}/${variant}`)) missed.push(`${entry.name}/${variant}`);
      }
    }
    expect(missed).toEqual([]);
  });

  it('gives an unknown token back unchanged', () => {
    expect(canonicalToken('mitchell')).toBe('mitchell');
    expect(canonicalToken('mohamed')).toBe('mahamadou');
    expect(canonicalToken('mahamadou')).toBe('mahamadou');
  });

  it('documents every particle, title and prefix', () => {
    for (const key of ['particles', 'titles', 'joinPrefixes'] as const) {
      for (const [token, why] of Object.entries(shipped[key])) expect(why.length, `${key}.${token}`).toBeGreaterThan(10);
    }
  });
});

describe('buildNameAliasTable', () => {
  it('refuses a token in two groups, naming the token and both groups', () => {
    expect(() => build({ version: 1, groups: [['moussa', 'musa'], ['mussa', 'musa']] })).toThrow(
      /name "musa" is in two alias groups: "moussa" \(source-1\.json\) and "mussa" \(source-1\.json\)/,
    );
  });

  it('refuses a token twice in one group', () => {
    expect(() => build({ version: 1, groups: [['moussa', 'musa', 'moussa']] })).toThrow(/"moussa" is twice in the group of "moussa"/);
  });

  it('refuses a token that is not normalised', () => {
    expect(() => build({ version: 1, groups: [['abdoulkader', 'Abdel Kader']] })).toThrow(/"Abdel Kader" is not a normalised name token/);
    expect(() => build({ version: 1, groups: [['aïcha', 'aicha']] })).toThrow(/"aïcha"/);
  });

  it('refuses a malformed file', () => {
    expect(() => build({ version: 2, groups: [] })).toThrow(/"version" must be 1/);
    expect(() => build({ version: 1, group: [] })).toThrow(/unknown key "group"/);
    expect(() => build({ version: 1, groups: [[]] })).toThrow(/groups\[0\] is empty/);
    expect(() => build({ version: 1, particles: ['ag'] })).toThrow(/"particles" must be an object/);
    expect(() => build({ version: 1, particles: { ag: '' } })).toThrow(/"particles"\."ag" must say why/);
    expect(() => build({ version: 1, particles: { ag: 'son of' }, joinPrefixes: { ag: 'also' } })).toThrow(/"ag" is both a particle/);
  });

  it('adds groups and spellings from a later source, and refuses clashes with earlier ones', () => {
    const base = { version: 1, groups: [['moussa', 'musa']] };
    const table = build(base, { version: 1, groups: [['tchiroma', 'tchirouma']], extend: { musa: ['mousssa'] } });
    expect(table.canonical('tchirouma')).toBe('tchiroma');
    expect(table.canonical('mousssa')).toBe('moussa');
    expect(table.groups.length).toBe(2);
    expect(() => build(base, { version: 1, groups: [['musa', 'mussa']] })).toThrow(/source-2\.json: name "musa" is in two alias groups/);
    expect(() => build(base, { version: 1, extend: { issa: ['isa'] } })).toThrow(/"issa" is in no alias group/);
  });
});

describe('configuration by file and environment', () => {
  it('loads extra files after the shipped one', () => {
    const extra = join(dir, 'extra.json');
    writeFileSync(extra, JSON.stringify({ version: 1, groups: [['tchiroma', 'tchirouma']], extend: { mohamed: ['mouhammadh'] } }));
    const table = loadNameAliasTable([extra]);
    expect(table.canonical('mouhammadh')).toBe('mahamadou');
    expect(table.canonical('tchirouma')).toBe('tchiroma');
    expect(table.groups.length).toBe(aliasGroupCount() + 1);
  });

  it('names the file and the token when an extra file clashes with the shipped table', () => {
    const extra = join(dir, 'clash.json');
    writeFileSync(extra, JSON.stringify({ version: 1, groups: [['mohamed', 'mhamed']] }));
    expect(() => loadNameAliasTable([extra])).toThrow(/clash\.json: name "mohamed" is in two alias groups: "mahamadou"/);
  });

  it('says which file is unreadable or not JSON', () => {
    expect(() => loadNameAliasTable([join(dir, 'missing.json')])).toThrow(/cannot read .*missing\.json/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "version": 1,');
    expect(() => loadNameAliasTable([broken])).toThrow(/broken\.json is not valid JSON/);
  });

  it(`reads ${NAME_ALIASES_ENV} once, on first use`, async () => {
    const extra = join(dir, 'env.json');
    writeFileSync(extra, JSON.stringify({ version: 1, groups: [['tchiroma', 'tchirouma']] }));
    const before = process.env[NAME_ALIASES_ENV];
    process.env[NAME_ALIASES_ENV] = extra;
    try {
      vi.resetModules();
      const fresh = await import('./name-aliases.ts');
      expect(fresh.canonicalToken('tchirouma')).toBe('tchiroma');
      expect(fresh.aliasGroupCount()).toBe(aliasGroupCount() + 1);
      expect(fresh.nameAliasTable()).toBe(fresh.nameAliasTable());
    } finally {
      if (before === undefined) delete process.env[NAME_ALIASES_ENV];
      else process.env[NAME_ALIASES_ENV] = before;
    }
    // The instance loaded before is not affected.
    expect(nameAliasTable().canonical('tchirouma')).toBe('tchirouma');
  });
});
