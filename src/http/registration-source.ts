import { actorOf, type Principal } from '../access/principal.ts';
import type { Channel } from '../domain/registration-input.ts';
import type { RegistrationSource } from '../services/register-volunteer.ts';

/**
 * Where a registration comes from, decided by who sends it: the public registers itself on the web;
 * a device or an agent registers for its site; other staff say which channel (e.g. a paper form typed
 * in is "import").
 */
export function registrationSourceFor(principal: Principal, requested: Channel | undefined, ip: string): RegistrationSource {
  const capturedBy = actorOf(principal);
  switch (principal.kind) {
    case 'public':
      return { channel: 'web', capturedBy, ip };
    case 'device':
      return { channel: 'agent', capturedBy, site: principal.site, maxOfflineDays: principal.offlineDays, ip };
    case 'staff':
      if (principal.role === 'agent') return { channel: 'agent', capturedBy, site: principal.site, ip };
      return { channel: requested ?? 'web', capturedBy, ip };
    case 'system':
      return { channel: requested ?? 'import', capturedBy, ip };
  }
}
