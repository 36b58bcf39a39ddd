import { describe, expect, it } from 'vitest';
import { callupInScope } from './policy.ts';
import type { Principal } from './principal.ts';

/** Niger-like P-codes: a region has 5 characters, its communes 8 (NE008001 lies in NE008). */
const ancestorsOf = (p: string): string[] => (p.length > 5 ? [p, p.slice(0, 5)] : [p]);

function staff(role: 'officer' | 'coordinator' | 'admin', areas: string[]): Principal {
  return { kind: 'staff', userId: 'u', role, areas, site: null, strongAuth: true, pending: null };
}

describe('callupInScope', () => {
  it('shows an officer the call-ups whose areas overlap theirs, in either direction', () => {
    expect(callupInScope(staff('officer', ['NE008']), ['NE008001'], ancestorsOf)).toBe(true);
    expect(callupInScope(staff('officer', ['NE008001']), ['NE008'], ancestorsOf)).toBe(true);
    expect(callupInScope(staff('officer', ['NE008001']), ['NE004', 'NE008'], ancestorsOf)).toBe(true);
    expect(callupInScope(staff('officer', ['NE004']), ['NE008'], ancestorsOf)).toBe(false);
    expect(callupInScope(staff('officer', ['NE008001']), ['NE008002'], ancestorsOf)).toBe(false);
    expect(callupInScope(staff('officer', []), ['NE008'], ancestorsOf)).toBe(false);
  });

  it('shows coordinators and admins every call-up', () => {
    expect(callupInScope(staff('coordinator', ['NE004']), ['NE008'], ancestorsOf)).toBe(true);
    expect(callupInScope(staff('admin', []), ['NE008'], ancestorsOf)).toBe(true);
  });
});
