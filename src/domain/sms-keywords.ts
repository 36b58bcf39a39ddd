/**
 * Keywords a person may send at any time, in the languages of the drive. A keyword is the whole
 * message (one word, any case, accents and trailing punctuation ignored): a sentence that happens to
 * contain "stop" is not an opt-out.
 */

export type KeywordLanguage = 'fr' | 'ha' | 'en';

export type Keyword =
  /** Stop every message to this number (and withdraw, as the consent notice says). */
  | { kind: 'stop'; language: KeywordLanguage | null }
  | { kind: 'help'; language: KeywordLanguage }
  /** Start (or restart) registration in this language. */
  | { kind: 'register'; language: KeywordLanguage }
  | { kind: 'cancel'; language: KeywordLanguage }
  | { kind: 'restart'; language: KeywordLanguage };

/**
 * STOP in French, English, Hausa ("tsaya", "daina": stop, cease) and Zarma ("kay": stop, halt). Kept
 * to words that are not common given names, because a keyword wins over a conversation in progress.
 */
const STOP: Readonly<Record<string, KeywordLanguage | null>> = {
  STOP: null,
  ARRET: 'fr',
  ARRETER: 'fr',
  DESABONNER: 'fr',
  UNSUBSCRIBE: 'en',
  TSAYA: 'ha',
  DAINA: 'ha',
  KAY: null,
};

const OTHERS: Readonly<Record<string, Exclude<Keyword, { kind: 'stop' }>>> = {
  HELP: { kind: 'help', language: 'en' },
  AIDE: { kind: 'help', language: 'fr' },
  TAIMAKO: { kind: 'help', language: 'ha' },
  FR: { kind: 'register', language: 'fr' },
  FRANCAIS: { kind: 'register', language: 'fr' },
  INSCRIPTION: { kind: 'register', language: 'fr' },
  HA: { kind: 'register', language: 'ha' },
  HAUSA: { kind: 'register', language: 'ha' },
  HAOUSSA: { kind: 'register', language: 'ha' },
  RAJISTA: { kind: 'register', language: 'ha' },
  EN: { kind: 'register', language: 'en' },
  ENGLISH: { kind: 'register', language: 'en' },
  REGISTER: { kind: 'register', language: 'en' },
  ANNULER: { kind: 'cancel', language: 'fr' },
  CANCEL: { kind: 'cancel', language: 'en' },
  SOKE: { kind: 'cancel', language: 'ha' },
  RECOMMENCER: { kind: 'restart', language: 'fr' },
  RESTART: { kind: 'restart', language: 'en' },
  SAKE: { kind: 'restart', language: 'ha' },
};

/** Upper case, without accents, spaces or trailing punctuation: how keywords are compared. */
export function normalizeKeyword(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .replace(/[.!?,;:]+$/u, '')
    .trim()
    .toUpperCase();
}

/** The keyword a message is, or null when it is not one (an answer to the conversation). */
export function keywordOf(text: string): Keyword | null {
  const word = normalizeKeyword(text);
  if (word === '' || /\s/.test(word)) return null;
  if (Object.hasOwn(STOP, word)) return { kind: 'stop', language: STOP[word] ?? null };
  return Object.hasOwn(OTHERS, word) ? (OTHERS[word] ?? null) : null;
}
