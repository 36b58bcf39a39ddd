import { describe, expect, it } from 'vitest';
import { wordList, wordNeedle } from './word-list.ts';

describe('wordList', () => {
  it('puts each name between single spaces, sorted and once', () => {
    expect(wordList(['medical', 'defense', 'medical'])).toBe(' defense medical ');
    expect(wordList(['logistics'])).toBe(' logistics ');
  });

  it('is a single space when there is no name, so that no needle matches', () => {
    expect(wordList([])).toBe(' ');
    expect(wordList([]).includes(wordNeedle('medical'))).toBe(false);
  });

  it('matches whole names only', () => {
    const list = wordList(['medical_support', 'transport']);
    expect(list.includes(wordNeedle('medical'))).toBe(false);
    expect(list.includes(wordNeedle('support'))).toBe(false);
    expect(list.includes(wordNeedle('medical_support'))).toBe(true);
    expect(list.includes(wordNeedle('transport'))).toBe(true);
  });

  it('refuses a name that would break the list', () => {
    expect(() => wordList(['two words'])).toThrow(/spaces/);
    expect(() => wordList([''])).toThrow(/empty/);
  });
});
