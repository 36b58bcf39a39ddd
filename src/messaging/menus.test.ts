import { describe, expect, it } from 'vitest';
import { menuPages, menuScreen, parseChoice, parseChoices } from './menus.ts';

describe('numbered menus', () => {
  it('reads one choice, refusing what is not in the menu', () => {
    expect(parseChoice(' 3 ', 5)).toBe(3);
    expect(parseChoice('0', 5)).toBeNull();
    expect(parseChoice('6', 5)).toBeNull();
    expect(parseChoice('2a', 5)).toBeNull();
    expect(parseChoice('', 5)).toBeNull();
  });

  it('reads several choices however they are separated, each once', () => {
    expect(parseChoices('1 3', 6)).toEqual([1, 3]);
    expect(parseChoices('1,3,1', 6)).toEqual([1, 3]);
    expect(parseChoices('3-1', 6)).toEqual([3, 1]);
    expect(parseChoices('13', 6)).toEqual([1, 3]);
    expect(parseChoices('13', 20)).toEqual([13]);
    expect(parseChoices('1 7', 6)).toBeNull();
    expect(parseChoices('un', 6)).toBeNull();
  });

  it('spreads a long menu over pages that fit, with the same numbers on every page', () => {
    const labels = Array.from({ length: 30 }, (_, i) => `Commune numero ${i + 1}`);
    const render = (menu: string) => `Votre commune :\n${menu}`;
    const pages = menuPages(labels, render, '99 Suite', { limit: 182, reserve: 40 });
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.flat()).toEqual(labels.map((l, i) => `${i + 1} ${l}`));
    for (let p = 0; p < pages.length; p++) expect(menuScreen(pages, p, render, '99 Suite').length).toBeLessThanOrEqual(142);
    expect(menuScreen(pages, pages.length, render, '99 Suite')).toBe(menuScreen(pages, 0, render, '99 Suite'));
    expect(menuPages(labels, render, '99 Suite', { limit: null, reserve: 0 })).toHaveLength(1);
  });
});
