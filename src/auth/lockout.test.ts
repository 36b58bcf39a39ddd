import { describe, expect, it } from 'vitest';
import { LOCKOUT, isLocked, lockoutAfterFailure } from './lockout.ts';

const NOW = new Date('2025-03-14T09:00:00.000Z');
const minutesAgo = (minutes: number): Date => new Date(NOW.getTime() - minutes * 60_000);

describe('lockoutAfterFailure', () => {
  it('does not lock after 4 failures', () => {
    expect(lockoutAfterFailure([minutesAgo(3), minutesAgo(2), minutesAgo(1), NOW], NOW)).toBeNull();
  });

  it('locks for 15 minutes from now after 5 failures within 15 minutes', () => {
    const until = lockoutAfterFailure([minutesAgo(14), minutesAgo(10), minutesAgo(5), minutesAgo(1), NOW], NOW);
    expect(until).toEqual(new Date(NOW.getTime() + 15 * 60_000));
    expect(LOCKOUT.lockMs).toBe(15 * 60_000);
  });

  it('does not lock after 5 failures spread over 20 minutes', () => {
    expect(lockoutAfterFailure([minutesAgo(20), minutesAgo(15), minutesAgo(10), minutesAgo(5), NOW], NOW)).toBeNull();
  });

  it('counts only failures less than 15 minutes old, however many older ones', () => {
    const old = Array.from({ length: 20 }, (_, i) => minutesAgo(16 + i));
    expect(lockoutAfterFailure([...old, minutesAgo(3), minutesAgo(2), minutesAgo(1), NOW], NOW)).toBeNull();
    expect(lockoutAfterFailure([...old, minutesAgo(14.9), minutesAgo(3), minutesAgo(2), minutesAgo(1), NOW], NOW)).not.toBeNull();
  });

  it('does not depend on the order of the failures', () => {
    expect(lockoutAfterFailure([NOW, minutesAgo(1), minutesAgo(7), minutesAgo(2), minutesAgo(4)], NOW)).not.toBeNull();
  });
});

describe('isLocked', () => {
  const until = new Date(NOW.getTime() + LOCKOUT.lockMs).toISOString();

  it('is locked until locked_until, then not', () => {
    expect(isLocked(until, NOW)).toBe(true);
    expect(isLocked(until, new Date(NOW.getTime() + LOCKOUT.lockMs - 1))).toBe(true);
    expect(isLocked(until, new Date(NOW.getTime() + LOCKOUT.lockMs))).toBe(false);
    expect(isLocked(until, new Date(NOW.getTime() + LOCKOUT.lockMs + 60_000))).toBe(false);
  });

  it('is not locked without locked_until', () => {
    expect(isLocked(null, NOW)).toBe(false);
  });

  it('fails closed on an unreadable locked_until', () => {
    expect(isLocked('soon', NOW)).toBe(true);
  });
});
