/**
 * Who is calling. Staff sign in with a session; registration devices present a token; the public is
 * anyone else; the system is the command line acting for an operator.
 */
export const STAFF_ROLES = ['admin', 'coordinator', 'agent', 'officer', 'auditor', 'analyst'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export type Principal =
  | { kind: 'public' }
  | {
      kind: 'staff';
      userId: string;
      role: StaffRole;
      /** Area P-codes the user may act on (coordinators, officers). */
      areas: readonly string[];
      /** Registration site (agents). */
      site: string | null;
      /** The session was opened with a second factor (needed for sensitive actions). */
      strongAuth: boolean;
      /** Something the user must do before anything else: change the one-time password, set up TOTP. */
      pending: 'change_password' | 'setup_totp' | null;
    }
  | { kind: 'device'; deviceId: string; site: string; offlineDays: number }
  | { kind: 'system'; name: string };

/** How a principal is named in audit entries and in "consent captured by". */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'public':
      return 'self';
    case 'staff':
      return `user:${principal.userId}`;
    case 'device':
      return `device:${principal.deviceId}`;
    case 'system':
      return `system:${principal.name}`;
  }
}

/** Roles whose sign-in requires a second factor (TOTP): whoever can see or take many people's data. */
export const ROLES_REQUIRING_TOTP: ReadonlySet<StaffRole> = new Set(['admin', 'coordinator', 'officer']);
