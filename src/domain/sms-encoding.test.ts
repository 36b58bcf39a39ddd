import { describe, expect, it } from 'vitest';
import { checkSmsTemplate, isGsm7, planSms, smartTransliterate } from './sms-encoding.ts';

describe('planSms', () => {
  it('keeps French with é è à ù in GSM-7', () => {
    expect(planSms('Inscription enregistrée. Où êtes-vous ?').encoding).toBe('ucs2'); // ê is not GSM-7
    const plan = planSms('Inscription enregistrée à Niamey, merci');
    expect(plan).toMatchObject({ encoding: 'gsm7', segments: 1, units: 39 });
  });

  it('switches the whole message to UCS-2 for one Hausa hooked letter', () => {
    for (const letter of ['ɓ', 'ɗ', 'ƙ', 'ƴ', 'Ɓ', 'Ɗ', 'Ƙ']) {
      expect(planSms(`Sannu ${letter}`).encoding, letter).toBe('ucs2');
    }
    expect(planSms('An yi rajista').encoding).toBe('gsm7');
  });

  it('counts GSM-7 parts at 160 then 153', () => {
    expect(planSms('a'.repeat(160)).segments).toBe(1);
    expect(planSms('a'.repeat(161)).segments).toBe(2);
    expect(planSms('a'.repeat(306)).segments).toBe(2);
    expect(planSms('a'.repeat(307)).segments).toBe(3);
    expect(planSms('').segments).toBe(1);
  });

  it('counts an extension character as two septets and never splits it', () => {
    expect(planSms('€'.repeat(80))).toMatchObject({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(planSms('€'.repeat(80) + 'a').segments).toBe(2);
    // 152 septets then a 2-septet character: it moves whole to the second part.
    expect(planSms('a'.repeat(152) + '{' + 'a'.repeat(153)).segments).toBe(3);
    expect(planSms('a'.repeat(151) + '{' + 'a'.repeat(153)).segments).toBe(2);
  });

  it('counts UCS-2 parts at 70 then 67', () => {
    expect(planSms('ɗ'.repeat(70)).segments).toBe(1);
    expect(planSms('ɗ'.repeat(71)).segments).toBe(2);
    expect(planSms('ɗ'.repeat(134)).segments).toBe(2);
    expect(planSms('ɗ'.repeat(135)).segments).toBe(3);
  });

  it('keeps a surrogate pair in one part', () => {
    const emoji = '\u{1F600}';
    expect(planSms(emoji)).toMatchObject({ encoding: 'ucs2', units: 2, segments: 1 });
    expect(planSms('ɗ'.repeat(66) + emoji + 'ɗ'.repeat(66)).segments).toBe(3);
    expect(planSms('ɗ'.repeat(65) + emoji + 'ɗ'.repeat(67)).segments).toBe(2);
  });

  it('applies smart replacements only when asked', () => {
    const text = 'Réponse reçue, fenêtre « ouverte » – à bientôt';
    expect(planSms(text).encoding).toBe('ucs2');
    const smart = planSms(text, { smart: true });
    expect(smart.encoding).toBe('gsm7');
    expect(smart.text).toBe('Réponse recue, fenetre " ouverte " - à bientot');
  });
});

describe('smartTransliterate', () => {
  it('leaves GSM-7 characters and Hausa letters alone', () => {
    expect(smartTransliterate('éèàùÇ@£')).toBe('éèàùÇ@£');
    expect(smartTransliterate('ɗaya ƙasa')).toBe('ɗaya ƙasa');
    expect(isGsm7(smartTransliterate('Œuvre, l’été'))).toBe(true);
  });
});

describe('checkSmsTemplate', () => {
  it('refuses a template over the limit, counting placeholders at their longest', () => {
    const template = 'Bonjour {name}, ' + 'a'.repeat(120);
    expect(checkSmsTemplate(template, { maxSegments: 1, placeholderLength: { name: 10 } })).toMatchObject({ ok: true, segments: 1 });
    expect(checkSmsTemplate(template, { maxSegments: 1, placeholderLength: { name: 40 } })).toMatchObject({ ok: false, segments: 2, max: 1 });
  });

  it('counts the worst case as UCS-2 when names may hold Hausa letters', () => {
    const template = 'Sannu {name}, ' + 'a'.repeat(60);
    expect(checkSmsTemplate(template, { maxSegments: 1, placeholderLength: { name: 10 } }).ok).toBe(true);
    expect(checkSmsTemplate(template, { maxSegments: 1, placeholderLength: { name: 10 }, placeholdersMayNeedUnicode: true })).toMatchObject({ ok: false, encoding: 'ucs2' });
  });
});
