import { createHash } from 'node:crypto';
import type { FieldCipher } from '../../crypto/field-cipher.ts';
import { translate } from '../../i18n/translate.ts';
import { smsText, type SmsLanguage } from '../../i18n/sms-messages.ts';
import type { RegistrationOutcome } from '../register-volunteer.ts';

/**
 * The client id of a registration made by conversation: derived from the conversation (its key and
 * start), so that handling the same final answer twice registers once.
 */
export function conversationClientId(cipher: FieldCipher, key: string, startedAt: string): string {
  const hex = createHash('sha256').update(cipher.fingerprint(`conversation-registration\u0000${key}\u0000${startedAt}`)).digest('hex');
  // The layout of a UUID, version 8 (custom), RFC 9562 variant.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What to tell the person once `registerVolunteer` has answered. */
export function registrationReply(outcome: RegistrationOutcome, language: SmsLanguage, minimumAge: number): string {
  switch (outcome.status) {
    case 'created':
      return smsText('registered', language, { reference: outcome.reference });
    case 'already_registered':
      return smsText('already_registered', language, { reference: outcome.reference });
    case 'conflict':
      return smsText('try_later', language);
    case 'refused': {
      if (outcome.errors.some((e) => e.code === 'under_minimum_age' || e.code === 'age_uncertain')) return smsText('under_age', language, { min: minimumAge });
      const reasons = outcome.errors.map((e) => translate(e.code, language, e.params ?? {}));
      return smsText('registration_refused', language, { reason: [...new Set(reasons)].join(' ') });
    }
  }
}
