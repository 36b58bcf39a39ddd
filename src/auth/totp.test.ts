import { describe, expect, it } from 'vitest';
import { currentTotp, newTotpSecret, totpStep, totpUri, verifyTotp } from './totp.ts';

// A fixed clock, 10 seconds into a 30-second step.
const NOW = new Date('2025-03-14T09:00:10.000Z');
const secondsFrom = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);

describe('TOTP secrets and URIs', () => {
  it('makes distinct 160-bit base32 secrets', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
  });

  it('builds an otpauth URI for QR codes', () => {
    const uri = totpUri('JBSWY3DPEHPK3PXP', 'aïcha@muster.ne', 'Muster Niger');
    expect(uri.startsWith('otpauth://totp/')).toBe(true);
    const url = new URL(uri);
    expect(decodeURIComponent(url.pathname)).toBe('/Muster Niger:aïcha@muster.ne');
    expect(url.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(url.searchParams.get('issuer')).toBe('Muster Niger');
    expect(url.searchParams.get('period')).toBe('30');
    expect(url.searchParams.get('digits')).toBe('6');
  });

  it('matches the RFC 6238 test vector (SHA-1, T = 59 s)', () => {
    // RFC 6238 appendix B: key "12345678901234567890" (base32 below), 8-digit 94287082, 6-digit 287082.
    expect(currentTotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', new Date(59_000))).toBe('287082');
  });
});

describe('verifyTotp with a fake clock', () => {
  const secret = newTotpSecret();
  const step = totpStep(NOW);

  it('accepts the current code and returns its step', () => {
    expect(verifyTotp(secret, currentTotp(secret, NOW), null, NOW)).toEqual({ ok: true, step });
  });

  it('refuses the same code a second time, even within its window', () => {
    const code = currentTotp(secret, NOW);
    const first = verifyTotp(secret, code, null, NOW);
    expect(first).toEqual({ ok: true, step });
    const last = first.ok ? first.step : null;
    expect(verifyTotp(secret, code, last, secondsFrom(NOW, 5))).toEqual({ ok: false, reason: 'replayed' });
  });

  it('accepts the previous step code once if no later code was used', () => {
    const previous = currentTotp(secret, secondsFrom(NOW, -30));
    expect(verifyTotp(secret, previous, step - 2, NOW)).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(secret, previous, step - 1, NOW)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses the previous step code once the current one was used', () => {
    const previous = currentTotp(secret, secondsFrom(NOW, -30));
    expect(verifyTotp(secret, previous, step, NOW)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('accepts the next step code (phone clock ahead)', () => {
    expect(verifyTotp(secret, currentTotp(secret, secondsFrom(NOW, 30)), null, NOW)).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses codes from 2 steps ago or ahead', () => {
    expect(verifyTotp(secret, currentTotp(secret, secondsFrom(NOW, -60)), null, NOW)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyTotp(secret, currentTotp(secret, secondsFrom(NOW, 60)), null, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses another secret code', () => {
    expect(verifyTotp(secret, currentTotp(newTotpSecret(), NOW), null, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each(['', 'abcdef', '12345', '1234567', '12345a', '１２３４５６', '-12345', '123.456', '123-456'])(
    'refuses garbage %j',
    (garbage) => {
      expect(verifyTotp(secret, garbage, null, NOW)).toEqual({ ok: false, reason: 'invalid' });
    },
  );

  it('accepts codes typed with spaces', () => {
    const code = currentTotp(secret, NOW);
    expect(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, null, NOW)).toEqual({ ok: true, step });
    expect(verifyTotp(secret, ` ${code} `, null, NOW)).toEqual({ ok: true, step });
  });

  it('refuses any code for a malformed secret', () => {
    expect(verifyTotp('not base32!', '123456', null, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('uses the given time, not the system clock', () => {
    const past = new Date('2001-09-09T01:46:40.000Z');
    const code = currentTotp(secret, past);
    expect(verifyTotp(secret, code, null, past)).toEqual({ ok: true, step: totpStep(past) });
  });
});
