import { describe, expect, it } from 'vitest';
import { normalizeMobilePhone } from './phone.ts';

describe('normalizeMobilePhone (region NE)', () => {
  it.each([
    '90 12 34 56',
    '90123456',
    '  90123456  ',
    '+227 90 12 34 56',
    '+22790123456',
    '00227 90 12 34 56',
    '0022790123456',
    '+227-90-12-34-56',
    '90.12.34.56',
    '(+227) 90 12 34 56',
  ])('reads the Niger mobile %j as +22790123456', (text) => {
    expect(normalizeMobilePhone(text, 'NE')).toEqual({ ok: true, e164: '+22790123456' });
  });

  it('keeps other Niger mobile prefixes apart', () => {
    expect(normalizeMobilePhone('96 12 34 56', 'NE')).toEqual({ ok: true, e164: '+22796123456' });
  });

  it('refuses a Niger fixed line as not_mobile', () => {
    expect(normalizeMobilePhone('+227 20 72 34 56', 'NE')).toEqual({ ok: false, code: 'not_mobile' });
    expect(normalizeMobilePhone('20 72 34 56', 'NE')).toEqual({ ok: false, code: 'not_mobile' });
  });

  it.each([
    ['too short', '90 12 34'],
    ['too long for Niger', '90 12 34 56 7'],
    ['letters', '90 12 AB 56'],
    ['letters only', 'call me'],
    ['empty', ''],
    ['blank', '   '],
    ['40 digits', '9'.repeat(40)],
    ['an e-mail', 'aichatou@example.ne'],
    ['an unknown country code', '+999 90 12 34 56'],
  ])('refuses %s as invalid_phone', (_label, text) => {
    expect(normalizeMobilePhone(text, 'NE')).toEqual({ ok: false, code: 'invalid_phone' });
  });

  it('accepts a valid Nigerian mobile (border areas)', () => {
    expect(normalizeMobilePhone('+234 803 123 4567', 'NE')).toEqual({ ok: true, e164: '+2348031234567' });
    expect(normalizeMobilePhone('00234 803 123 4567', 'NE')).toEqual({ ok: true, e164: '+2348031234567' });
  });

  it('reads a national number in the default region it is given', () => {
    expect(normalizeMobilePhone('0803 123 4567', 'NG')).toEqual({ ok: true, e164: '+2348031234567' });
  });
});
