import { uiText } from '../../src/i18n/ui-text.ts';

/** Calls to the Muster API from the console: the session cookie rides along; answers are JSON. */

export interface ApiAnswer<T> {
  ok: boolean;
  status: number;
  body: T;
}

export interface Problem {
  title?: string;
  code?: string;
  errors?: { field: string; code: string; params?: Record<string, string | number> }[];
}

let lang = 'fr';
export function setApiLanguage(value: string): void {
  lang = value;
}

/** Listeners told when the session has ended (a 401 on any call). */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<ApiAnswer<T>> {
  const url = `${path}${path.includes('?') ? '&' : '?'}lang=${encodeURIComponent(lang)}`;
  const init: RequestInit = { method, credentials: 'same-origin', headers: body === undefined ? {} : { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(url, init);
  const text = await response.text();
  const parsed = (text ? JSON.parse(text) : {}) as T;
  if (response.status === 401 && !path.startsWith('/api/v1/auth/sign-in')) for (const listener of signedOutListeners) listener();
  return { ok: response.ok, status: response.status, body: parsed };
}

/** The sentence of a problem answer (its errors field by field when there are any). */
export function problemText(problem: Problem): string {
  const fields = problem.errors?.map((e) => `${e.field}: ${uiText(e.code, lang, e.params ?? {})}`).join('; ');
  return [problem.title, fields].filter(Boolean).join(' — ');
}
