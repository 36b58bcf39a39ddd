/**
 * Numbered menus for SMS and USSD. On SMS a menu is one message, however long; on USSD a screen has
 * a hard limit (182 characters), so the items are spread over pages and "99" shows the next page.
 * Numbers are the same on every page, so an answer never depends on which page was shown.
 */

export const NEXT_PAGE = '99';

export interface MenuLayout {
  /** Characters a screen may hold, or null for no limit (SMS). */
  limit: number | null;
  /** Characters to keep free on each screen (for a "try again" line above the question). */
  reserve: number;
}

/** Item lines ("1 Agadez"), split into pages whose screens fit the layout. */
export function menuPages(labels: readonly string[], render: (menu: string) => string, moreLine: string, layout: MenuLayout): string[][] {
  const lines = labels.map((label, i) => `${i + 1} ${label}`);
  if (layout.limit === null) return [lines];
  const budget = layout.limit - layout.reserve;
  const pages: string[][] = [];
  let page: string[] = [];
  const fits = (candidate: string[], withMore: boolean) => render([...candidate, ...(withMore ? [moreLine] : [])].join('\n')).length <= budget;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const isLast = i === lines.length - 1;
    const candidate = [...page, line];
    // The last item needs a "more" line only if earlier pages exist (to wrap around).
    if (fits(candidate, !isLast || pages.length > 0) || page.length === 0) page = candidate;
    else {
      pages.push(page);
      page = [line];
    }
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

/** The text of one page of a menu. */
export function menuScreen(pages: readonly string[][], page: number, render: (menu: string) => string, moreLine: string): string {
  const lines = pages[page % pages.length] ?? [];
  return render([...lines, ...(pages.length > 1 ? [moreLine] : [])].join('\n'));
}

/** The 1-based choice in a menu of `count` items, or null. */
export function parseChoice(input: string, count: number): number | null {
  const text = input.trim();
  if (!/^\d{1,3}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= count ? n : null;
}

/**
 * Several choices ("1 3", "1,3", "1-3" meaning 1 and 3, or "13" when there are fewer than ten items),
 * each once, in the order given; null when any is not in the menu.
 */
export function parseChoices(input: string, count: number): number[] | null {
  const text = input.trim();
  if (text === '') return null;
  let parts = text.split(/[\s,;.+\-/*]+/).filter((p) => p !== '');
  if (parts.length === 1 && count < 10 && /^\d{2,}$/.test(parts[0] ?? '')) parts = [...(parts[0] ?? '')];
  const out: number[] = [];
  for (const part of parts) {
    const n = parseChoice(part, count);
    if (n === null) return null;
    if (!out.includes(n)) out.push(n);
  }
  return out.length > 0 ? out : null;
}
