import { MESSAGES } from './messages.ts';
import { WEB_MESSAGES } from './web-messages.ts';

export type UiCode = keyof typeof MESSAGES | keyof typeof WEB_MESSAGES;

/**
 * A sentence of either catalogue in `language` (French when the language has no text), placeholders
 * filled. Used by the server-rendered page and by the browser apps alike.
 */
export function uiText(code: string, language: string, params: Record<string, string | number> = {}): string {
  const texts: Record<string, string> | undefined = Object.hasOwn(WEB_MESSAGES, code)
    ? WEB_MESSAGES[code as keyof typeof WEB_MESSAGES]
    : Object.hasOwn(MESSAGES, code)
      ? MESSAGES[code as keyof typeof MESSAGES]
      : undefined;
  if (!texts) return code;
  const template = (Object.hasOwn(texts, language) ? texts[language] : undefined) ?? texts.fr ?? code;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
