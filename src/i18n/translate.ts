import { MESSAGES, type MessageCode } from './messages.ts';

export const INTERFACE_LANGUAGES = ['fr', 'en', 'ha'] as const;
export type InterfaceLanguage = (typeof INTERFACE_LANGUAGES)[number];

export function isMessageCode(code: string): code is MessageCode {
  return Object.hasOwn(MESSAGES, code);
}

/** The sentence for `code` in `language` (French when the language has no text), placeholders filled. */
export function translate(code: string, language: string, params: Record<string, string | number> = {}): string {
  if (!isMessageCode(code)) return code;
  const texts: Record<string, string> = MESSAGES[code];
  const template = (Object.hasOwn(texts, language) ? texts[language] : undefined) ?? texts.fr ?? code;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * Picks the interface language from an explicit choice (a `lang` parameter) or an Accept-Language
 * header, falling back to `fallback`.
 */
export function negotiateLanguage(explicit: string | undefined, acceptLanguage: string | undefined, fallback: string): InterfaceLanguage {
  const known = (code: string | undefined): InterfaceLanguage | undefined => {
    const base = code?.trim().toLowerCase().split(/[-_]/)[0];
    return INTERFACE_LANGUAGES.find((l) => l === base);
  };
  const chosen = known(explicit);
  if (chosen) return chosen;
  if (acceptLanguage) {
    const ranked = acceptLanguage
      .split(',')
      .map((part) => {
        const [tag, ...rest] = part.split(';');
        const q = rest.map((r) => /q=([\d.]+)/.exec(r)?.[1]).find(Boolean);
        return { tag, q: q ? Number(q) : 1 };
      })
      .sort((a, b) => b.q - a.q);
    for (const { tag, q } of ranked) {
      const lang = known(tag);
      if (lang && q > 0) return lang;
    }
  }
  return known(fallback) ?? 'fr';
}
