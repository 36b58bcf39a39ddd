import { describe, expect, it } from 'vitest';
import { callupAskText, callupTextSizes, formatLocalTime, unknownPlaceholders } from './message.ts';

const values = { title: 'Appel Tillabéri', place: 'Hôpital de district', time: '26.11 08:00', deadline: '25.11 18:00', role: 'Médical' };

describe('call-up messages', () => {
  it('fills the default text in the person language, with the letter when several call-ups are open', () => {
    expect(callupAskText({}, 'fr', values, null)).toBe('Appel Tillabéri. Présentez-vous à Hôpital de district le 26.11 08:00. Pouvez-vous venir ? Répondez OUI ou NON avant le 25.11 18:00.');
    expect(callupAskText({}, 'en', values, 'B')).toContain('Reply B YES or B NO by 25.11 18:00.');
    expect(callupAskText({}, 'ha', values, null)).toContain("Amsa EE ko A'A kafin");
  });

  it('uses the call-up own template and flags unknown placeholders', () => {
    expect(callupAskText({ en: '{title}: {role} needed. {yes}/{no}' }, 'en', values, 'C')).toBe('Appel Tillabéri: Médical needed. C YES/C NO');
    expect(unknownPlaceholders('{title} {tittle} {yes}')).toEqual(['tittle']);
  });

  it('counts SMS parts with the longest prefix and refuses too long a text', () => {
    const plain = { ...values, title: 'Appel Tillaberi', place: 'Hopital de district' };
    const sizes = callupTextSizes({ en: 'x'.repeat(500) }, ['fr', 'en', 'ha'], plain, false);
    expect(sizes.find((s) => s.language === 'fr')).toMatchObject({ encoding: 'gsm7', segments: 1, ok: true });
    expect(sizes.find((s) => s.language === 'en')).toMatchObject({ segments: 4, ok: false });
    // A Hausa hooked letter makes the whole message UCS-2.
    expect(callupTextSizes({ ha: 'ƙ {title} {yes}' }, ['ha'], values, false)[0]).toMatchObject({ encoding: 'ucs2', segments: 1 });
  });

  it('writes times in the drive time zone', () => {
    expect(formatLocalTime(new Date('2026-11-26T07:00:00Z'), 'Africa/Niamey')).toBe('26.11 08:00');
  });
});
