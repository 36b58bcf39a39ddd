import type { Availability } from '../domain/registration-input.ts';
import { smsText, type SmsLanguage } from '../i18n/sms-messages.ts';
import { answerRegistration, startRegistration, USSD_SCREEN_LIMIT, type ConversationContext, type ConversationState, type RegistrationAnswers, type Turn } from './registration-conversation.ts';
import { parseChoice } from './menus.ts';

/**
 * The USSD menus as a pure state machine. USSD aggregators send every answer of the session each
 * time (Africa's Talking: "1*Aminatou*Moussa"), so the screen is found by replaying the answers from
 * the first one; the only effects (register, change availability, withdraw) end the session, so they
 * only ever come from the last answer.
 */

export type UssdState =
  | { screen: 'language' }
  | { screen: 'main'; language: SmsLanguage }
  | { screen: 'register'; conversation: ConversationState }
  | { screen: 'availability'; language: SmsLanguage }
  | { screen: 'withdraw'; language: SmsLanguage }
  | { screen: 'callup'; language: SmsLanguage };

/** What the menus need to know about the caller's registration (no personal data). */
export interface UssdFacts {
  volunteer: { reference: string; status: 'active' | 'withdrawn' | 'suspended'; roles: string[]; availability: Availability } | null;
  /** The open call-up waiting for this person's answer (the first, when there are several). */
  pendingCallup: { title: string; letter: string } | null;
}

export type UssdAction =
  | { kind: 'register'; registration: RegistrationAnswers; conversation: ConversationState }
  | { kind: 'set_availability'; availability: Availability }
  | { kind: 'withdraw' }
  /** The consent screen is too small for the notice: send it in full by SMS. */
  | { kind: 'consent_notice' }
  /** An answer to the call-up with this letter, handled like the same answer by SMS. */
  | { kind: 'callup_answer'; letter: string; answer: 'yes' | 'no' };

export interface UssdReply {
  end: boolean;
  text: string;
  state: UssdState;
  action?: UssdAction;
}

const LANGUAGES: readonly SmsLanguage[] = ['fr', 'ha', 'en'];
const AVAILABILITY_BY_CHOICE: readonly Availability[] = ['immediate', 'within_week', 'later'];

export function ussdStart(): UssdReply {
  return { end: false, text: smsText('choose_language', 'fr'), state: { screen: 'language' } };
}

/** Replays the answers of a session from its start; returns the screen to show now. */
export function replayUssd(inputs: readonly string[], facts: UssdFacts, ctx: ConversationContext): UssdReply {
  let reply = ussdStart();
  for (const input of inputs) {
    if (reply.end) break;
    reply = ussdAnswer(reply.state, input, facts, ctx);
  }
  return reply;
}

export function ussdAnswer(state: UssdState, input: string, facts: UssdFacts, ctx: ConversationContext): UssdReply {
  const text = input.trim();
  const end = (body: string, action?: UssdAction): UssdReply => ({ end: true, text: body, state, ...(action ? { action } : {}) });
  switch (state.screen) {
    case 'language': {
      const choice = parseChoice(text, LANGUAGES.length);
      const language = choice === null ? undefined : LANGUAGES[choice - 1];
      if (!language) return { end: false, text: `${smsText('retry_choice', 'fr')}\n${smsText('choose_language', 'fr')}`, state };
      return { end: false, text: smsText('ussd_main', language), state: { screen: 'main', language } };
    }
    case 'main': {
      const lang = state.language;
      if (text === '0') return end(smsText('goodbye', lang));
      const choice = parseChoice(text, 5);
      const volunteer = facts.volunteer && facts.volunteer.status !== 'withdrawn' ? facts.volunteer : null;
      switch (choice) {
        case 1: {
          if (volunteer) return end(smsText('already_registered', lang, { reference: volunteer.reference }));
          return fromTurn(startRegistration(lang, { ...ctx, channel: 'ussd' }));
        }
        case 2:
          return end(volunteer ? statusScreen(volunteer, lang, ctx) : smsText('ussd_not_registered', lang));
        case 3:
          return volunteer ? { end: false, text: smsText('ussd_ask_availability', lang), state: { screen: 'availability', language: lang } } : end(smsText('ussd_not_registered', lang));
        case 4:
          return volunteer ? { end: false, text: smsText('ussd_confirm_withdraw', lang), state: { screen: 'withdraw', language: lang } } : end(smsText('ussd_not_registered', lang));
        case 5:
          if (!facts.pendingCallup) return end(smsText('ussd_no_callup', lang));
          return { end: false, text: smsText('ussd_callup', lang, { title: facts.pendingCallup.title }), state: { screen: 'callup', language: lang } };
        default:
          return { end: false, text: `${smsText('retry_choice', lang)}\n${smsText('ussd_main', lang)}`, state };
      }
    }
    case 'register':
      return fromTurn(answerRegistration(state.conversation, input, { ...ctx, channel: 'ussd' }));
    case 'availability': {
      const lang = state.language;
      if (text === '0') return end(smsText('goodbye', lang));
      const choice = parseChoice(text, AVAILABILITY_BY_CHOICE.length);
      const availability = choice === null ? undefined : AVAILABILITY_BY_CHOICE[choice - 1];
      if (!availability) return { end: false, text: `${smsText('retry_choice', lang)}\n${smsText('ussd_ask_availability', lang)}`, state };
      return end(smsText('ussd_availability_changed', lang, { availability: smsText(`availability_${availability}`, lang) }), { kind: 'set_availability', availability });
    }
    case 'callup': {
      const lang = state.language;
      const pending = facts.pendingCallup;
      if (!pending) return end(smsText('ussd_no_callup', lang));
      // The text is the call-up's own answer, which the caller gets by answering.
      if (text === '1' || text === '2') return end('', { kind: 'callup_answer', letter: pending.letter, answer: text === '1' ? 'yes' : 'no' });
      if (text === '0') return end(smsText('goodbye', lang));
      return { end: false, text: `${smsText('retry_consent', lang)}\n${smsText('ussd_callup', lang, { title: pending.title })}`, state };
    }
    case 'withdraw': {
      const lang = state.language;
      if (text === '1') return end(smsText('ussd_withdrawn', lang), { kind: 'withdraw' });
      if (text === '2' || text === '0') return end(smsText('goodbye', lang));
      return { end: false, text: `${smsText('retry_consent', lang)}\n${smsText('ussd_confirm_withdraw', lang)}`, state };
    }
  }
}

function fromTurn(turn: Turn): UssdReply {
  switch (turn.kind) {
    case 'ask': {
      const state: UssdState = { screen: 'register', conversation: turn.state };
      return turn.state.step === 'consent' ? { end: false, text: turn.text, state, action: { kind: 'consent_notice' } } : { end: false, text: turn.text, state };
    }
    case 'end':
      return { end: true, text: turn.text, state: { screen: 'main', language: 'fr' } };
    case 'submit':
      // The text is the answer of registerVolunteer, which the caller runs.
      return { end: true, text: '', state: { screen: 'register', conversation: turn.state }, action: { kind: 'register', registration: turn.registration, conversation: turn.state } };
  }
}

/** "My registration", shortened (roles counted instead of named) when it would not fit a screen. */
export function statusScreen(volunteer: NonNullable<UssdFacts['volunteer']>, lang: SmsLanguage, ctx: Pick<ConversationContext, 'drive'>): string {
  const status = smsText(`status_${volunteer.status}`, lang);
  const availability = smsText(`availability_${volunteer.availability}`, lang);
  const labels = volunteer.roles.map((id) => {
    const role = ctx.drive.roles.get(id);
    return role ? ctx.drive.label(role.labels, lang) : id;
  });
  const full = smsText('ussd_status', lang, { reference: volunteer.reference, status, roles: labels.join(', '), availability });
  if (full.length <= USSD_SCREEN_LIMIT) return full;
  return smsText('ussd_status', lang, { reference: volunteer.reference, status, roles: String(labels.length), availability });
}
