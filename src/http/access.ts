/**
 * Who is calling, and what each route needs. Deny by default: every route declares a permission
 * (a route without one stops the server from starting), and `allows` is the only place that decides.
 * Staff accounts with roles and area scopes replace the bootstrap admin later; routes will not change.
 */
export type Principal = { kind: 'public' } | { kind: 'admin'; id: string };

export const PERMISSIONS = [
  'public',
  'registration.submit',
  'registration.sync',
  'volunteer.read',
  'volunteer.update',
  'volunteer.withdraw',
  'stats.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const PUBLIC_PERMISSIONS: ReadonlySet<Permission> = new Set(['public', 'registration.submit']);

export function allows(principal: Principal, permission: Permission): boolean {
  if (PUBLIC_PERMISSIONS.has(permission)) return true;
  return principal.kind === 'admin';
}

export function isStaff(principal: Principal): boolean {
  return principal.kind !== 'public';
}

/** Who captured a consent, as recorded with the registration. */
export function actorId(principal: Principal): string {
  return principal.kind === 'public' ? 'self' : principal.id;
}
