import { describe, expect, it } from 'vitest';
import { messagingConfigFromEnv } from './messaging-config.ts';

const base = { MUSTER_KANNEL_URL: 'http://127.0.0.1:13013/', MUSTER_GATEWAY_TOKEN: '0123456789abcdef', MUSTER_CALLBACK_URL: 'http://127.0.0.1:3000/' };

describe('messaging configuration', () => {
  it('is off without a Kannel URL', () => {
    expect(messagingConfigFromEnv({})).toBeNull();
  });

  it('reads the defaults and trims trailing slashes', () => {
    expect(messagingConfigFromEnv(base)).toMatchObject({
      kannel: { url: 'http://127.0.0.1:13013' },
      callbackUrl: 'http://127.0.0.1:3000',
      ratePerSecond: 20,
      dispatchInServer: true,
      smart: false,
      ussdTtlMs: 180_000,
    });
    expect(messagingConfigFromEnv({ ...base, MUSTER_SMS_DISPATCH: 'worker', MUSTER_SMS_RATE: '50', MUSTER_SMS_SMART: '1' })).toMatchObject({ dispatchInServer: false, ratePerSecond: 50, smart: true });
  });

  it('refuses a missing or short token, a missing callback URL and a bad number', () => {
    expect(() => messagingConfigFromEnv({ ...base, MUSTER_GATEWAY_TOKEN: 'short' })).toThrow(/MUSTER_GATEWAY_TOKEN/);
    expect(() => messagingConfigFromEnv({ ...base, MUSTER_CALLBACK_URL: '' })).toThrow(/MUSTER_CALLBACK_URL/);
    expect(() => messagingConfigFromEnv({ ...base, MUSTER_SMS_RATE: 'fast' })).toThrow(/MUSTER_SMS_RATE must be a positive number/);
  });
});
