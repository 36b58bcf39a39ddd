/**
 * Reading a person's answer to a call-up: yes or no, in French, English, Hausa or Zarma, or 1/2,
 * optionally with the letter of the call-up ("B OUI") when the person has several open call-ups.
 */

export type CallupAnswer = { kind: 'yes' | 'no'; letter: string | null } | { kind: 'unclear' };

/**
 * Letters given to call-ups open at the same time for one person. I and O are left out: "I" is the
 * Hausa yes and "O" reads as a zero.
 */
export const CALLUP_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

const WORDS: Readonly<Record<string, 'yes' | 'no'>> = {
  // English, French, digits.
  YES: 'yes',
  Y: 'yes',
  OUI: 'yes',
  '1': 'yes',
  NO: 'no',
  N: 'no',
  NON: 'no',
  '2': 'no',
  // Hausa: "i", "ee", "eh" (yes), "to" (all right); "a'a" (no), written "aa" or "a a" without the apostrophe.
  I: 'yes',
  EE: 'yes',
  EH: 'yes',
  TO: 'yes',
  AA: 'no',
  // Zarma: "ayyo", "oho" (yes).
  AYYO: 'yes',
  AYO: 'yes',
  OHO: 'yes',
};

/** Upper case, without accents, apostrophes or punctuation; words separated by one space. */
export function normalizeAnswer(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/['’‘`´]/gu, '')
    .replace(/[.!?,;:()\-_/]+/gu, ' ')
    .trim()
    .replace(/\s+/gu, ' ')
    .toUpperCase();
}

function word(text: string): 'yes' | 'no' | null {
  return Object.hasOwn(WORDS, text) ? (WORDS[text] ?? null) : null;
}

function isLetter(text: string): boolean {
  return text.length === 1 && CALLUP_LETTERS.includes(text);
}

/** The answer a message gives, or "unclear" (the person then gets one clarifying message). */
export function parseCallupAnswer(text: string): CallupAnswer {
  const normalized = normalizeAnswer(text);
  if (normalized === '') return { kind: 'unclear' };
  // "a a" is the Hausa no typed without its apostrophe, not call-up A.
  const whole = word(normalized) ?? (normalized === 'A A' ? 'no' : null);
  if (whole) return { kind: whole, letter: null };
  const tokens = normalized.split(' ');
  // "B OUI", "B-OUI", "B1", "OUI B".
  if (tokens.length === 1) {
    const only = tokens[0] ?? '';
    const glued = only.slice(1);
    if (only.length >= 2 && isLetter(only[0] ?? '') && /^[12]$/.test(glued)) return { kind: word(glued) ?? 'yes', letter: only[0] ?? null };
    return { kind: 'unclear' };
  }
  const [first = '', ...rest] = tokens;
  if (isLetter(first)) {
    const answer = word(rest.join('')) ?? word(rest.join(' '));
    if (answer) return { kind: answer, letter: first };
  }
  const last = tokens.at(-1) ?? '';
  if (isLetter(last)) {
    const answer = word(tokens.slice(0, -1).join('')) ?? word(tokens.slice(0, -1).join(' '));
    if (answer) return { kind: answer, letter: last };
  }
  return { kind: 'unclear' };
}
