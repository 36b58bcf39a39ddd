import { INTERFACE_LANGUAGES, type InterfaceLanguage } from '../../src/i18n/translate.ts';
import { uiText } from '../../src/i18n/ui-text.ts';

export { INTERFACE_LANGUAGES, type InterfaceLanguage };

export const LANGUAGE_NAMES: Record<InterfaceLanguage, string> = { fr: 'Français', ha: 'Hausa', en: 'English' };

/** The interface language, remembered on the device (per app). */
export function rememberedLanguage(key: string): InterfaceLanguage {
  const saved = localStorage.getItem(key);
  const found = INTERFACE_LANGUAGES.find((l) => l === saved);
  if (found) return found;
  const browser = navigator.language.slice(0, 2);
  return INTERFACE_LANGUAGES.find((l) => l === browser) ?? 'fr';
}

export function translator(lang: string) {
  return (code: string, params?: Record<string, string | number>) => uiText(code, lang, params);
}

/** A field error of the API or of the shared rules as a sentence. */
export interface FieldErrorLike {
  field: string;
  code: string;
  params?: Record<string, string | number> | undefined;
}
export function errorText(error: FieldErrorLike, lang: string): string {
  return uiText(error.code, lang, error.params ?? {});
}
