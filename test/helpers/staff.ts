import type { FastifyInstance } from 'fastify';
import type { StaffRole } from '../../src/access/principal.ts';
import type { AppContext } from '../../src/app/app-context.ts';
import { hashPassword } from '../../src/auth/passwords.ts';
import { currentTotp, newTotpSecret } from '../../src/auth/totp.ts';
import { createStaffUser } from '../../src/services/staff/manage-staff.ts';
import { prepareDevice } from '../../src/services/staff/manage-devices.ts';

export const STAFF_PASSWORD = 'Tillaberi-lait-7-chameaux';

export interface SignedIn {
  userId: string;
  username: string;
  cookie: string;
  headers: { cookie: string };
  totpSecret: string | null;
}

let counter = 0;

/**
 * A staff user who has already changed the one-time password and (for roles that need it) set up
 * TOTP, signed in through the real sign-in route.
 */
export async function signedInStaff(
  ctx: AppContext,
  app: FastifyInstance,
  role: StaffRole,
  scope: { areas?: string[]; site?: string | null } = {},
): Promise<SignedIn> {
  counter += 1;
  const username = `${role}${counter}x${process.pid}`.slice(0, 32);
  const created = await createStaffUser(ctx, { username, role, areas: scope.areas ?? (role === 'coordinator' || role === 'officer' ? ['NE008'] : []), site: scope.site ?? (role === 'agent' ? 'niamey-stade' : null) }, 'system:test');
  if (created.status !== 'created') throw new Error(`could not create ${role}: ${JSON.stringify(created)}`);
  const secret = ['admin', 'coordinator', 'officer'].includes(role) ? newTotpSecret() : null;
  const at = ctx.clock().toISOString();
  await ctx.database.write((trx) =>
    ctx.staff.update(trx, created.user.id, { passwordHash: STAFF_PASSWORD_HASH ?? '', mustChangePassword: false, totpSecret: secret, totpLastStep: 0 }, at),
  );
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { username, password: STAFF_PASSWORD, ...(secret ? { totp: currentTotp(secret, ctx.clock()) } : {}) },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
  return { userId: created.user.id, username, cookie, headers: { cookie }, totpSecret: secret };
}

let STAFF_PASSWORD_HASH: string | undefined;
/** Hashing with argon2id is slow on purpose: hash the shared test password once per file. */
export async function prepareStaffPassword(): Promise<void> {
  STAFF_PASSWORD_HASH ??= await hashPassword(STAFF_PASSWORD);
}

/** An enrolled registration device for a site, with its bearer token. */
export async function enrolledDevice(ctx: AppContext, app: FastifyInstance, site = 'niamey-stade', offlineDays = 7) {
  const prepared = await prepareDevice(ctx, { name: `tablet ${site}`, site, offlineDays }, 'system:test');
  if (prepared.status !== 'created') throw new Error('could not prepare a device');
  const res = await app.inject({ method: 'POST', url: '/api/v1/devices/enrol', payload: { code: prepared.code } });
  if (res.statusCode !== 200) throw new Error(`enrolment failed: ${res.body}`);
  const token = res.json<{ token: string }>().token;
  return { deviceId: prepared.device.id, token, headers: { authorization: `Bearer ${token}` } };
}
