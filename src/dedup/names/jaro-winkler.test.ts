import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler } from './jaro-winkler.ts';

describe('jaro', () => {
  it('gives the published values', () => {
    // Winkler (1990) / the Wikipedia article's examples.
    expect(jaro('MARTHA', 'MARHTA')).toBeCloseTo(0.944, 3);
    expect(jaro('DWAYNE', 'DUANE')).toBeCloseTo(0.822, 3);
    expect(jaro('DIXON', 'DICKSONX')).toBeCloseTo(0.767, 3);
  });

  it('is 1 for equal strings and 0 with nothing in common or one side empty', () => {
    expect(jaro('moussa', 'moussa')).toBe(1);
    expect(jaro('', '')).toBe(1);
    expect(jaro('abc', 'xyz')).toBe(0);
    expect(jaro('abc', '')).toBe(0);
    expect(jaro('', 'abc')).toBe(0);
  });

  it('only matches characters within the window', () => {
    // "a" at 0 and at 5: window = floor(6/2) - 1 = 2, so they do not match.
    expect(jaro('abcdef', 'bcdefa')).toBeLessThan(jaro('abcdef', 'abcdfe'));
  });

  it('handles strings longer than its reused buffers', () => {
    const long = 'abdourahamane'.repeat(10);
    expect(jaro(long, long + 'x')).toBeGreaterThan(0.99);
    expect(jaro(long, long.split('').reverse().join(''))).toBeLessThan(1);
  });

  it('is symmetric and between 0 and 1', () => {
    const letters = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'e'), maxLength: 12 });
    fc.assert(
      fc.property(letters, letters, (a, b) => {
        const x = jaro(a, b);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        expect(jaro(b, a)).toBeCloseTo(x, 12);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('jaroWinkler', () => {
  it('gives the published values', () => {
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 3);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.813, 3);
  });

  it('raises Jaro for a common prefix of at most four characters', () => {
    expect(jaroWinkler('abcdefgh', 'abcdefgx')).toBeCloseTo(jaro('abcdefgh', 'abcdefgx') + 4 * 0.1 * (1 - jaro('abcdefgh', 'abcdefgx')), 12);
    expect(jaroWinkler('mahamadou', 'mahamadu')).toBeGreaterThan(jaro('mahamadou', 'mahamadu'));
  });

  it('does not boost pairs below Jaro 0.7', () => {
    expect(jaro('mohamed', 'moussa')).toBeLessThanOrEqual(0.7);
    expect(jaroWinkler('mohamed', 'moussa')).toBe(jaro('mohamed', 'moussa'));
  });

  it('is never below Jaro and never above 1', () => {
    const letters = fc.string({ unit: fc.constantFrom('a', 'b', 'm', 'o', 'u'), maxLength: 10 });
    fc.assert(
      fc.property(letters, letters, (a, b) => {
        const jw = jaroWinkler(a, b);
        expect(jw).toBeGreaterThanOrEqual(jaro(a, b));
        expect(jw).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });
});
