import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES } from '../../demo/names.ts';
import { nameKeys, TOKEN_CACHE_LIMIT, tokenCacheSize, tokenKeys } from './name-keys.ts';

describe('nameKeys', () => {
  it('has no key for a missing or empty name', () => {
    const none = { tokens: [], canonical: [], phonetic: [] };
    expect(nameKeys(null)).toEqual(none);
    expect(nameKeys('')).toEqual(none);
    expect(nameKeys(' - ')).toEqual(none);
  });

  it('gives tokens, their canonical forms in the same order, and Double Metaphone codes of those', () => {
    expect(nameKeys('Mohamed')).toMatchObject({ tokens: ['mohamed'], canonical: ['mahamadou'], phonetic: ['MHMT'] });
    expect(nameKeys('Elhadji Moussa Ag Ahmed')).toMatchObject({ tokens: ['moussa', 'ahmed'], canonical: ['moussa', 'amadou'], phonetic: ['MS', 'AMT'] });
  });

  it('gives primary and alternate codes when they differ', () => {
    // Double Metaphone reads "ch" as X or K.
    expect(nameKeys('Aïchatou').phonetic).toEqual(['AXT', 'AKT']);
  });

  it('de-duplicates codes', () => {
    expect(nameKeys('Moussa Musa').phonetic).toEqual(['MS']);
    expect(nameKeys('Moussa Musa').canonical).toEqual(['moussa', 'moussa']);
  });

  it('gives spellings of one name the same canonical form and codes', () => {
    for (const name of ['Mohammed', 'Mouhamed', 'Mahamadou', 'Muhammad']) {
      expect(nameKeys(name).canonical, name).toEqual(['mahamadou']);
      expect(nameKeys(name).phonetic, name).toEqual(nameKeys('Mohamed').phonetic);
    }
  });

  it('works on names the alias table does not know', () => {
    expect(nameKeys('mitchell')).toMatchObject({ tokens: ['mitchell'], canonical: ['mitchell'], phonetic: ['MXL'] });
  });

  it('shares one frozen result between spellings that normalise alike, so no caller can change it for others', () => {
    const first = nameKeys('Moussa');
    expect(nameKeys(' MOUSSA ')).toBe(first);
    expect(first.id).toBeTypeOf('number');
    expect(nameKeys('Moussa Ali').id).not.toBe(first.id);
    expect(() => (first.tokens as string[]).push('x')).toThrow(TypeError);
    expect(nameKeys('Moussa')).toMatchObject({ tokens: ['moussa'], canonical: ['moussa'], phonetic: ['MS'] });
  });
});

describe('tokenKeys', () => {
  it('adds the codes of the written form to those of the canonical one', () => {
    const keys = tokenKeys('aissatou');
    expect(keys.canonical).toBe('aichatou');
    expect(keys.codes).toEqual(['AXT', 'AKT']);
    expect(keys.allCodes).toEqual(['AXT', 'AKT', 'AST']);
  });
});

describe('volume', () => {
  const pool = [...MALE_GIVEN_NAMES, ...FEMALE_GIVEN_NAMES, ...FAMILY_NAMES].flatMap((e) => [e.name, ...e.variants]);
  let seed = 42;
  const next = (n: number): number => {
    seed = (seed * 48271) % 2147483647;
    return seed % n;
  };

  // Speed is measured by bench/dedup.ts, not here: a timed test fails on a busy machine.
  it('computes keys for 100,000 generated names, typos included, with every name keyed', () => {
    const names: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      let name = pool[next(pool.length)] ?? '';
      if (next(3) === 0) name += ` ${pool[next(pool.length)] ?? ''}`;
      // Typos: many distinct tokens, so the per-token cache is exercised, not just hit.
      if (next(4) === 0) {
        const at = next(name.length);
        name = name.slice(0, at) + 'abdeikmnorstuz'[next(14)] + name.slice(at + 1);
      }
      names.push(name);
    }
    let tokens = 0;
    let unkeyed = 0;
    for (const name of names) {
      const keys = nameKeys(name);
      tokens += keys.tokens.length;
      if (keys.tokens.length === 0) unkeyed += 1;
    }
    expect(unkeyed).toBe(0);
    expect(tokens).toBeGreaterThan(100_000);
  });

  it('bounds the token cache', () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const word = (n: number): string => (n < 26 ? (letters[n] ?? '') : word(Math.floor(n / 26)) + (letters[n % 26] ?? ''));
    for (let i = 0; i < TOKEN_CACHE_LIMIT + 1000; i++) tokenKeys(`zz${word(i)}`);
    expect(tokenCacheSize()).toBe(TOKEN_CACHE_LIMIT);
  });
});
