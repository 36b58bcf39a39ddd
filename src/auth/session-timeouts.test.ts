import { describe, expect, it } from 'vitest';
import { sessionState } from './session-timeouts.ts';

const NOW = new Date('2025-03-14T20:00:00.000Z');
const minutesAgo = (minutes: number): string => new Date(NOW.getTime() - minutes * 60_000).toISOString();

describe('sessionState', () => {
  it('is active 29 minutes after the last request', () => {
    expect(sessionState({ createdAt: minutesAgo(60), lastSeenAt: minutesAgo(29), revokedAt: null }, NOW)).toBe('active');
  });

  it('is idle-expired 31 minutes after the last request, and at exactly 30', () => {
    expect(sessionState({ createdAt: minutesAgo(60), lastSeenAt: minutesAgo(31), revokedAt: null }, NOW)).toBe('idle_expired');
    expect(sessionState({ createdAt: minutesAgo(60), lastSeenAt: minutesAgo(30), revokedAt: null }, NOW)).toBe('idle_expired');
  });

  it('expires 12 hours after creation even when used a minute ago', () => {
    expect(sessionState({ createdAt: minutesAgo(12 * 60), lastSeenAt: minutesAgo(1), revokedAt: null }, NOW)).toBe('absolute_expired');
    expect(sessionState({ createdAt: minutesAgo(12 * 60 - 1), lastSeenAt: minutesAgo(1), revokedAt: null }, NOW)).toBe('active');
  });

  it('is revoked once revoked, whatever the times', () => {
    expect(sessionState({ createdAt: minutesAgo(5), lastSeenAt: minutesAgo(1), revokedAt: minutesAgo(0.5) }, NOW)).toBe('revoked');
    expect(sessionState({ createdAt: minutesAgo(13 * 60), lastSeenAt: minutesAgo(60), revokedAt: minutesAgo(70) }, NOW)).toBe('revoked');
  });

  it('fails closed on unreadable timestamps', () => {
    expect(sessionState({ createdAt: 'yesterday', lastSeenAt: minutesAgo(1), revokedAt: null }, NOW)).toBe('absolute_expired');
    expect(sessionState({ createdAt: minutesAgo(5), lastSeenAt: '', revokedAt: null }, NOW)).toBe('idle_expired');
  });
});
