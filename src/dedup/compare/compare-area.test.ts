import { describe, expect, it } from 'vitest';
import { compareArea } from './compare-area.ts';

/** A small hierarchy in the drive's convention: the area itself, then its parent, up to its region. */
const CHAINS: Record<string, readonly string[]> = {
  TAHOUA: ['TAHOUA'],
  KONNI: ['KONNI', 'TAHOUA'],
  KONNI_COMMUNE: ['KONNI_COMMUNE', 'KONNI', 'TAHOUA'],
  ILLELA: ['ILLELA', 'TAHOUA'],
  ZINDER: ['ZINDER'],
  MIRRIAH: ['MIRRIAH', 'ZINDER'],
};
const ancestorsOf = (code: string): readonly string[] => CHAINS[code] ?? [];
const level = (a: string | null, b: string | null, withHierarchy = false): string => compareArea(a, b, withHierarchy ? ancestorsOf : undefined).level;

describe('compareArea', () => {
  it('same: the same code, ignoring case and spaces', () => {
    expect(level('NE006002', ' ne006002 ')).toBe('same');
    expect(level('KONNI', 'konni', true)).toBe('same');
  });

  it('parent_child: by the P-code prefix rule without a hierarchy', () => {
    expect(level('NE006', 'NE006002')).toBe('parent_child');
    expect(level('NE006002001', 'NE006002')).toBe('parent_child');
    expect(level('NE006', 'NE006002001')).toBe('parent_child');
  });

  it('parent_child: by ancestorsOf when given, at any distance', () => {
    expect(level('KONNI_COMMUNE', 'KONNI', true)).toBe('parent_child');
    expect(level('TAHOUA', 'KONNI_COMMUNE', true)).toBe('parent_child');
  });

  it('parent_child: ancestorsOf chains that leave out the area itself work too', () => {
    const above = (code: string): readonly string[] => (CHAINS[code] ?? []).slice(1);
    expect(compareArea('KONNI_COMMUNE', 'TAHOUA', above).level).toBe('parent_child');
    expect(compareArea('KONNI_COMMUNE', 'ILLELA', above).level).toBe('same_region');
  });

  it('same_region: same first-level area', () => {
    expect(level('NE006002', 'NE006004001')).toBe('same_region');
    expect(level('KONNI_COMMUNE', 'ILLELA', true)).toBe('same_region');
    // Postcodes: the first two characters.
    expect(level('4011', '4017')).toBe('same_region');
  });

  it('same_region: the prefix length for postcodes can be changed or turned off', () => {
    expect(compareArea('4011', '4099', undefined, { postcodeRegionLength: 3 }).level).toBe('different');
    expect(compareArea('4011', '4017', undefined, { postcodeRegionLength: 3 }).level).toBe('same_region');
    expect(compareArea('4011', '4017', undefined, { postcodeRegionLength: 0, postcodeTypos: false }).level).toBe('different');
    expect(compareArea('4011', '4037', undefined, { postcodeRegionLength: 0 }).level).toBe('different');
  });

  it('same_region: postcodes one typo apart (not P-codes, nor codes the hierarchy knows)', () => {
    expect(level('3011', '3101')).toBe('same_region');
    expect(level('4709', '4708')).toBe('same_region');
    expect(compareArea('3011', '3101', undefined, { postcodeTypos: false }).level).toBe('different');
    expect(level('3011', '3110')).toBe('different');
    // A one-digit slip between P-codes is another area, not a typo.
    expect(level('NE006002', 'NE007002')).toBe('different');
    // Nor between codes of the hierarchy, whatever their shape.
    expect(compareArea('KONNI', 'KONNJ', (c) => (c === 'KONNI' || c === 'KONNJ' ? [c] : [])).level).toBe('different');
  });

  it('falls back to the P-code rule for codes the hierarchy does not know', () => {
    expect(compareArea('NE006', 'NE006002', () => []).level).toBe('parent_child');
    expect(compareArea('NE006001', 'NE006002', () => []).level).toBe('same_region');
  });

  it('different: other regions, and postcodes never meet P-codes', () => {
    expect(level('NE006002', 'NE007002')).toBe('different');
    expect(level('KONNI', 'MIRRIAH', true)).toBe('different');
    expect(level('4011', '2311')).toBe('different');
    expect(level('4011', 'NE004')).toBe('different');
    expect(level('NE006', 'NE')).toBe('different');
  });

  it('missing: either side absent or blank', () => {
    expect(level(null, 'NE006')).toBe('missing');
    expect(level('NE006', '  ')).toBe('missing');
  });
});
