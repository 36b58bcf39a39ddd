import { describe, expect, it } from 'vitest';
import { NAME_LEVELS } from '../levels.ts';
import { compareNameTokens, comparePersonNames, FUZZY_HIGH_THRESHOLD, FUZZY_THRESHOLD, nameSimilarity, nameValue } from './compare-names.ts';
import { nameKeys } from './name-keys.ts';

const k = nameKeys;
const cmp = (a: string | null, b: string | null): string => compareNameTokens(k(a), k(b)).level;
const person = (given: string | null, family: string | null): { given: ReturnType<typeof nameKeys>; family: ReturnType<typeof nameKeys> } => ({
  given: k(given),
  family: k(family),
});

describe('compareNameTokens', () => {
  it('only ever answers a level of NAME_LEVELS or missing', () => {
    const names = ['Moussa', 'Mohamed', 'Mahamadou Issa', 'M.', 'Isabelle', 'isabele', 'Abdoul Kader', '', 'X Y Z'];
    for (const a of names) for (const b of names) expect([...NAME_LEVELS, 'missing']).toContain(cmp(a, b));
  });

  it('is missing when either side has no token', () => {
    expect(compareNameTokens(k(null), k('Moussa'))).toEqual({ level: 'missing' });
    expect(cmp('Moussa', '  ')).toBe('missing');
    expect(cmp('', null)).toBe('missing');
  });

  it('is exact for the same tokens in any order, case, accents or punctuation', () => {
    expect(compareNameTokens(k('Moussa Issoufou'), k('ISSOUFOU, moussa'))).toEqual({ level: 'exact', agreedValue: 'issoufou moussa' });
    expect(cmp('Aïssatou', 'AISSATOU')).toBe('exact');
    expect(cmp('Abdoul Kader', 'Abdoulkader')).toBe('exact');
    expect(cmp('Abdoul-Kader', 'abdoul kader')).toBe('exact');
    expect(cmp('Elhadji Moussa', 'Moussa')).toBe('exact');
  });

  it('is alias for spellings of one name, with the canonical value agreed on', () => {
    expect(compareNameTokens(k('Mohamed'), k('Mahamadou'))).toEqual({ level: 'alias', agreedValue: 'mahamadou' });
    for (const [a, b] of [
      ['Mohammed', 'Mouhamed'],
      ['Boubacar', 'Abubakar'],
      ['Aissatou', 'Aichatou'],
      ['Abdoulaye', 'Abdullahi'],
      ['Ousmane', 'Usman'],
      ['Issoufou', 'Youssouf'],
      ['Ibrahim', 'Brahim'],
      ['Fatouma', 'Fatima'],
      ['Hadiza', 'Hadjia'],
      ['Abdel Kader', 'Abdoulkader'],
      ['Moussa Mohamed', 'Mahamadou Musa'],
    ]) {
      expect(cmp(a ?? '', b ?? ''), `${a} / ${b}`).toBe('alias');
    }
  });

  it('is alias for the same letters split differently', () => {
    expect(compareNameTokens(k('Moussa Ali'), k('Moussaali'))).toEqual({ level: 'alias', agreedValue: 'ali moussa' });
    expect(cmp('hayd en', 'hayden')).toBe('alias');
  });

  it('is phonetic when every token of the shorter name sounds like one of the other', () => {
    // A misspelling the alias table does not know, which sounds the same.
    expect(cmp('Aisatou', 'Aissatou')).toBe('phonetic');
    expect(cmp('Mahamadou', 'Mahamadu')).toBe('phonetic');
    // Same sound, so phonetic, although it is also a typo.
    expect(cmp('Isabelle', 'Isabele')).toBe('phonetic');
    expect(cmp('mitchell', 'mitchel')).toBe('phonetic');
    // The shorter name is part of the longer.
    expect(cmp('Moussa', 'Moussa Ibrahim')).toBe('phonetic');
    expect(cmp('Issoufou Moussa', 'Mousa Issoufu')).toBe('phonetic');
  });

  it('is not phonetic when a token is left without a distinct partner', () => {
    expect(cmp('Moussa Moussa', 'Moussa Ali')).not.toBe('phonetic');
  });

  it('is fuzzy_high for a typo that changes the sound', () => {
    expect(cmp('Isabelle', 'Isabelel')).toBe('fuzzy_high');
    expect(cmp('kilmartin', 'kilmatrin')).toBe('fuzzy_high');
    expect(cmp('Abdoulaye', 'Abdoulayr')).toBe('fuzzy_high');
    // A slipped space and a typo together.
    expect(cmp('heu sotn', 'heuston')).toBe('fuzzy_high');
    // In any order.
    expect(cmp('Moussa Kilmartin', 'kilmatrin moussa')).toBe('fuzzy_high');
  });

  it('is fuzzy for weaker resemblance', () => {
    expect(cmp('jack', 'jadk')).toBe('fuzzy');
    expect(cmp('morrison', 'moreoin')).toBe('fuzzy');
    expect(cmp('daniel', 'dabiel')).toBe('fuzzy');
  });

  it('orders the fuzzy levels by nameSimilarity', () => {
    expect(nameSimilarity(k('Isabelle'), k('Isabelel'))).toBeGreaterThanOrEqual(FUZZY_HIGH_THRESHOLD);
    const jack = nameSimilarity(k('jack'), k('jadk'));
    expect(jack).toBeGreaterThanOrEqual(FUZZY_THRESHOLD);
    expect(jack).toBeLessThan(FUZZY_HIGH_THRESHOLD);
    expect(nameSimilarity(k(null), k('jack'))).toBe(0);
    expect(nameSimilarity(k('Moussa Issa'), k('Issa Moussa'))).toBe(1);
  });

  it('is initial when one side is initials of the other', () => {
    expect(cmp('M.', 'Moussa')).toBe('initial');
    expect(cmp('Moussa', 'M')).toBe('initial');
    expect(cmp('M. I.', 'Ibrahim Moussa')).toBe('initial');
    // Initial of the canonical form: "M." for Mahamadou, written Mohamed.
    expect(cmp('M', 'Mohamed')).toBe('initial');
    expect(cmp('A.', 'Moussa')).toBe('different');
    expect(cmp('M. A.', 'Moussa Ibrahim')).toBe('different');
  });

  it('is different for different names', () => {
    expect(cmp('Moussa', 'Ibrahim')).toBe('different');
    expect(cmp('Mitchell', 'Isabelle')).toBe('different');
    expect(cmp('Kadidja', 'Hadiza')).toBe('different');
    expect(cmp('Moussa Ali', 'Ibrahim Issa')).toBe('different');
  });

  it('gives agreedValue only for exact and alias', () => {
    expect(compareNameTokens(k('Aisatou'), k('Aissatou')).agreedValue).toBeUndefined();
    expect(compareNameTokens(k('Moussa'), k('Ibrahim')).agreedValue).toBeUndefined();
  });
});

describe('nameValue', () => {
  it('is the sorted canonical tokens, so order and spelling do not change it', () => {
    expect(nameValue(k('Mohamed Moussa'))).toBe('mahamadou moussa');
    expect(nameValue(k('Musa Mahamadou'))).toBe('mahamadou moussa');
    expect(nameValue(k(null))).toBe('');
  });
});

describe('comparePersonNames', () => {
  it('compares given with given and family with family', () => {
    expect(comparePersonNames(person('Mohamed', 'Issoufou'), person('Mahamadou', 'Youssouf'))).toEqual({
      givenName: { level: 'alias', agreedValue: 'mahamadou' },
      familyName: { level: 'alias', agreedValue: 'issoufou' },
      swapped: false,
    });
  });

  it('finds swapped given and family names', () => {
    expect(comparePersonNames(person('Issoufou', 'Moussa'), person('Moussa', 'Issoufou'))).toEqual({
      givenName: { level: 'exact', agreedValue: 'issoufou' },
      familyName: { level: 'exact', agreedValue: 'moussa' },
      swapped: true,
    });
    const r = comparePersonNames(person('Youssouf', 'Mohamed'), person('Mahamadou', 'Issoufou'));
    expect(r.swapped).toBe(true);
    expect([r.givenName.level, r.familyName.level]).toEqual(['alias', 'alias']);
  });

  it('keeps the straight orientation on a tie', () => {
    expect(comparePersonNames(person('Moussa', 'Moussa'), person('Moussa', 'Moussa')).swapped).toBe(false);
    expect(comparePersonNames(person('Ali', 'Issa'), person('Moussa', 'Ibrahim')).swapped).toBe(false);
  });

  it('finds a swapped name when one field is empty on one side', () => {
    const r = comparePersonNames(person('Moussa', 'Ali'), person(null, 'Moussa'));
    expect(r).toEqual({ givenName: { level: 'exact', agreedValue: 'moussa' }, familyName: { level: 'missing' }, swapped: true });
  });

  it('compares a whole name written in one field with the two fields of the other', () => {
    expect(comparePersonNames(person('Moussa Issoufou', null), person('Moussa', 'Issoufou'))).toEqual({
      givenName: { level: 'exact', agreedValue: 'moussa' },
      familyName: { level: 'exact', agreedValue: 'issoufou' },
      swapped: false,
    });
    expect(comparePersonNames(person('Issoufou', 'Mohamed'), person(null, 'Mahamadou Youssouf'))).toEqual({
      givenName: { level: 'alias', agreedValue: 'issoufou' },
      familyName: { level: 'alias', agreedValue: 'mahamadou' },
      swapped: false,
    });
  });

  it('compares two whole names each in one field, without agreed values (no field to look them up in)', () => {
    expect(comparePersonNames(person('Moussa Issoufou', null), person(null, 'Issoufou Moussa'))).toEqual({
      givenName: { level: 'exact' },
      familyName: { level: 'exact' },
      swapped: false,
    });
  });

  it('does not claim a family name agrees when one side simply has none', () => {
    expect(comparePersonNames(person('Moussa', null), person('Moussa', 'Issoufou'))).toEqual({
      givenName: { level: 'exact', agreedValue: 'moussa' },
      familyName: { level: 'missing' },
      swapped: false,
    });
    // Two given names, no family name, against the same two given names and a family name.
    expect(comparePersonNames(person('Moussa Ibrahim', null), person('Moussa Ibrahim', 'Ali'))).toEqual({
      givenName: { level: 'exact', agreedValue: 'ibrahim moussa' },
      familyName: { level: 'missing' },
      swapped: false,
    });
  });

  it('is missing on both fields when a side has no name at all', () => {
    expect(comparePersonNames(person(null, null), person('Moussa', 'Issoufou'))).toEqual({
      givenName: { level: 'missing' },
      familyName: { level: 'missing' },
      swapped: false,
    });
  });

  it('works on Febrl-style records with typos', () => {
    const r = comparePersonNames(person('isabella', 'culbertson'), person('isablela', 'culbetson'));
    expect([r.givenName.level, r.familyName.level, r.swapped]).toEqual(['fuzzy_high', 'fuzzy_high', false]);
    const s = comparePersonNames(person('mitchell', 'waller'), person('waller', 'mitchel'));
    expect([s.givenName.level, s.familyName.level, s.swapped]).toEqual(['phonetic', 'exact', true]);
  });
});
