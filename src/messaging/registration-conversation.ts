import type { Drive } from '../config/load-drive.ts';
import { checkBirth } from '../domain/age.ts';
import { calendarDateIn, formatIsoDate, parseIsoDate } from '../domain/calendar.ts';
import { cleanPersonName } from '../domain/person-name.ts';
import type { RegistrationInput } from '../domain/registration-input.ts';
import { keywordOf } from '../domain/sms-keywords.ts';
import { smsText, type SmsLanguage, type SmsMessageCode } from '../i18n/sms-messages.ts';
import { menuPages, menuScreen, NEXT_PAGE, parseChoice, parseChoices, type MenuLayout } from './menus.ts';

/**
 * The registration conversation by SMS or USSD, as a pure state machine: given the state and one
 * answer, it says what to ask next, or that the registration is complete (the caller hands it to
 * `registerVolunteer`, the same service as every channel), or that the conversation ended. Each
 * answer is checked with the domain's own rules (names, age) as it arrives, so a wrong answer is asked
 * again at once with an example; `registerVolunteer` checks everything again at the end.
 */

export type RegistrationStep = 'language' | 'givenName' | 'familyName' | 'birthYear' | 'birthDate' | 'region' | 'department' | 'roles' | 'consent';

export interface ConversationState {
  step: RegistrationStep;
  language: SmsLanguage;
  givenName?: string;
  familyName?: string;
  birthYear?: number;
  birthDate?: string;
  region?: string;
  area?: string;
  roles?: string[];
  /** Menu page shown (USSD). */
  page: number;
  startedAt: string;
  updatedAt: string;
}

export interface ConversationContext {
  drive: Drive;
  now: Date;
  channel: 'sms' | 'ussd';
  /** An unfinished conversation older than this (since its last answer) starts again. */
  ttlMs: number;
}

/** What the person chose, ready to become a registration once the phone and a client id are added. */
export type RegistrationAnswers = Omit<RegistrationInput, 'clientId' | 'phone'>;

export type Turn =
  | { kind: 'ask'; state: ConversationState; text: string }
  | { kind: 'submit'; state: ConversationState; registration: RegistrationAnswers }
  | { kind: 'end'; reason: 'cancelled' | 'under_age' | 'consent_refused'; text: string };

export const USSD_SCREEN_LIMIT = 182;
/** Room kept above a question for the longest "try again" line. */
const RETRY_RESERVE = 56;

const LANGUAGE_BY_CHOICE: readonly SmsLanguage[] = ['fr', 'ha', 'en'];

/** Starts a registration; without a language, the first question is which one. */
export function startRegistration(language: SmsLanguage | null, ctx: ConversationContext, notice?: SmsMessageCode): Turn {
  const at = ctx.now.toISOString();
  const state: ConversationState = { step: language ? 'givenName' : 'language', language: language ?? 'fr', page: 0, startedAt: at, updatedAt: at };
  return ask(state, ctx, notice);
}

/** Applies one answer. A conversation idle for longer than its time to live starts again. */
export function answerRegistration(state: ConversationState, input: string, ctx: ConversationContext): Turn {
  if (isExpired(state, ctx)) return startRegistration(state.step === 'language' ? null : state.language, ctx, 'expired');
  const lang = state.language;
  const keyword = keywordOf(input);
  if (keyword?.kind === 'cancel' || (ctx.channel === 'ussd' && input.trim() === '0')) {
    return { kind: 'end', reason: 'cancelled', text: smsText('cancelled', keyword?.kind === 'cancel' ? keyword.language : lang) };
  }
  if (keyword?.kind === 'restart') return startRegistration(keyword.language, ctx);
  if (keyword?.kind === 'register') return startRegistration(keyword.language, ctx);
  const next = (patch: Partial<ConversationState>): Turn => ask({ ...state, ...patch, page: 0, updatedAt: ctx.now.toISOString() }, ctx);
  const retry = (code: SmsMessageCode): Turn => ask({ ...state, updatedAt: ctx.now.toISOString() }, ctx, code);

  switch (state.step) {
    case 'language': {
      const choice = parseChoice(input, LANGUAGE_BY_CHOICE.length);
      const language = choice === null ? undefined : LANGUAGE_BY_CHOICE[choice - 1];
      return language ? next({ step: 'givenName', language }) : retry('retry_choice');
    }
    case 'givenName':
    case 'familyName': {
      const name = cleanPersonName(input);
      if (!name.ok) return retry('retry_name');
      return state.step === 'givenName' ? next({ step: 'familyName', givenName: name.value }) : next({ step: 'birthYear', familyName: name.value });
    }
    case 'birthYear': {
      const text = input.trim();
      if (!/^\d{4}$/.test(text)) return retry('retry_year');
      const check = checkBirth({ birthYear: Number(text) }, today(ctx), ctx.drive.config);
      if (check.ok) return next({ step: 'region', birthYear: check.value.birthYear });
      if (check.error.code === 'under_minimum_age') return underAge(state, ctx);
      // Born in the year of one's 18th birthday: only the day can tell. Ask for it.
      if (check.error.code === 'age_uncertain') return next({ step: 'birthDate', birthYear: Number(text) });
      return retry('retry_year');
    }
    case 'birthDate': {
      const date = parseDayMonthYear(input);
      if (date === null) return retry('retry_date');
      const check = checkBirth({ birthDate: date }, today(ctx), ctx.drive.config);
      if (check.ok) return next({ step: 'region', birthDate: date, birthYear: check.value.birthYear });
      if (check.error.code === 'under_minimum_age') return underAge(state, ctx);
      return retry('retry_date');
    }
    case 'region':
    case 'department': {
      if (ctx.channel === 'ussd' && input.trim() === NEXT_PAGE) return ask({ ...state, page: state.page + 1, updatedAt: ctx.now.toISOString() }, ctx);
      const areas = ctx.drive.children(state.step === 'region' ? null : (state.region ?? null));
      const choice = parseChoice(input, areas.length);
      const area = choice === null ? undefined : areas[choice - 1];
      if (!area) return retry('retry_choice');
      if (state.step === 'department') return next({ step: 'roles', area: area.pcode });
      // A region without departments is itself the home area.
      return ctx.drive.children(area.pcode).length > 0 ? next({ step: 'department', region: area.pcode }) : next({ step: 'roles', region: area.pcode, area: area.pcode });
    }
    case 'roles': {
      if (ctx.channel === 'ussd' && input.trim() === NEXT_PAGE) return ask({ ...state, page: state.page + 1, updatedAt: ctx.now.toISOString() }, ctx);
      const roles = ctx.drive.config.roles;
      const choices = parseChoices(input, roles.length);
      if (choices === null) return retry('retry_roles');
      return next({ step: 'consent', roles: choices.map((n) => roles[n - 1]?.id ?? '') });
    }
    case 'consent': {
      const answer = consentAnswer(input);
      if (answer === null) return retry('retry_consent');
      if (!answer) return { kind: 'end', reason: 'consent_refused', text: smsText('consent_refused', lang) };
      return { kind: 'submit', state: { ...state, updatedAt: ctx.now.toISOString() }, registration: answersOf(state, ctx.drive) };
    }
  }
}

export function isExpired(state: ConversationState, ctx: Pick<ConversationContext, 'now' | 'ttlMs'>): boolean {
  return ctx.now.getTime() - Date.parse(state.updatedAt) > ctx.ttlMs;
}

/** The question for the state's step, after an optional line (a "try again" or a notice). */
function ask(state: ConversationState, ctx: ConversationContext, before?: SmsMessageCode): Turn {
  const question = questionFor(state, ctx, before === undefined ? 0 : RETRY_RESERVE);
  const text = before === undefined ? question : `${smsText(before, state.language)}\n${question}`;
  return { kind: 'ask', state, text };
}

function questionFor(state: ConversationState, ctx: ConversationContext, reserve: number): string {
  const lang = state.language;
  const layout: MenuLayout = { limit: ctx.channel === 'ussd' ? USSD_SCREEN_LIMIT : null, reserve: ctx.channel === 'ussd' ? RETRY_RESERVE : reserve };
  const more = smsText('more', lang, { n: NEXT_PAGE });
  const menu = (code: SmsMessageCode, labels: readonly string[]) => {
    const render = (lines: string) => smsText(code, lang, { menu: lines });
    return menuScreen(menuPages(labels, render, more, layout), state.page, render, more);
  };
  switch (state.step) {
    case 'language':
      return smsText('choose_language', lang);
    case 'givenName':
      return smsText('ask_given_name', lang);
    case 'familyName':
      return smsText('ask_family_name', lang);
    case 'birthYear':
      return smsText('ask_birth_year', lang);
    case 'birthDate':
      return smsText('ask_birth_date', lang);
    case 'region':
      return menu('ask_region', ctx.drive.children(null).map((a) => a.name));
    case 'department':
      return menu('ask_department', ctx.drive.children(state.region ?? null).map((a) => a.name));
    case 'roles':
      return menu('ask_roles', ctx.drive.config.roles.map((r) => ctx.drive.label(r.labels, lang)));
    case 'consent':
      return ctx.channel === 'ussd'
        ? smsText('ask_consent_ussd', lang)
        : smsText('ask_consent_sms', lang, { notice: ctx.drive.label(ctx.drive.config.consent.texts, lang) });
  }
}

function underAge(state: ConversationState, ctx: ConversationContext): Turn {
  return { kind: 'end', reason: 'under_age', text: smsText('under_age', state.language, { min: ctx.drive.config.minimumAge }) };
}

function today(ctx: ConversationContext) {
  return calendarDateIn(ctx.now, ctx.drive.config.timezone);
}

/** "25.03.2008", "25/3/2008", "25-03-2008" or "2008-03-25" as an ISO date; null when not a real day. */
export function parseDayMonthYear(input: string): string | null {
  const text = input.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const dmy = /^(\d{1,2})[./\s-](\d{1,2})[./\s-](\d{4})$/.exec(text);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : dmy ? [dmy[3], dmy[2], dmy[1]] : [];
  if (!year || !month || !day) return null;
  const date = parseIsoDate(`${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`);
  return date ? formatIsoDate(date) : null;
}

const YES = new Set(['1', 'OUI', 'YES', 'EH', 'I', 'NA YARDA']);
const NO = new Set(['2', 'NON', 'NO', "A'A", 'AA', 'NA KI', 'NA ƘI']);

function consentAnswer(input: string): boolean | null {
  const text = input.trim().toUpperCase().replace(/[.!]+$/, '');
  if (YES.has(text)) return true;
  if (NO.has(text)) return false;
  return null;
}

function answersOf(state: ConversationState, drive: Drive): RegistrationAnswers {
  const birth = state.birthDate !== undefined ? { birthDate: state.birthDate } : { birthYear: state.birthYear };
  return {
    givenName: state.givenName ?? '',
    familyName: state.familyName ?? '',
    ...birth,
    area: state.area ?? '',
    roles: state.roles ?? [],
    languages: drive.spokenLanguages.has(state.language) ? [state.language] : [],
    consent: { noticeVersion: drive.config.consent.version, language: state.language },
  };
}
