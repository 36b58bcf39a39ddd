import { hashToken, newEnrolmentCode, newSecretToken, normaliseEnrolmentCode } from '../../auth/tokens.ts';
import type { FieldError } from '../../domain/field-error.ts';
import { recordAudit } from '../../store/audit-pending.ts';
import { deviceStore, type Device } from '../../store/device-store.ts';
import { uuidv7 } from '../../store/ids.ts';
import type { StaffDeps } from './staff-deps.ts';

/** How long a one-time enrolment code stays valid. */
const ENROLMENT_VALID_MS = 24 * 3600 * 1000;

export type EnrolOutcome = { status: 'created'; device: Device; code: string } | { status: 'refused'; errors: FieldError[] };

/** A coordinator prepares a device for a site: the one-time code is shown once and typed on the device. */
export async function prepareDevice(
  deps: StaffDeps,
  input: { name: string; site: string; offlineDays?: number | undefined },
  actor: string,
  ip: string | null = null,
): Promise<EnrolOutcome> {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (name.length === 0 || name.length > 80) errors.push({ field: 'name', code: 'required' });
  if (!deps.drive.sites.has(input.site)) errors.push({ field: 'site', code: 'unknown_site', params: { value: input.site } });
  const offlineDays = input.offlineDays ?? 7;
  if (!Number.isInteger(offlineDays) || offlineDays < 1 || offlineDays > 90) errors.push({ field: 'offlineDays', code: 'invalid_value', params: { allowed: '1-90' } });
  if (errors.length > 0) return { status: 'refused', errors };
  const now = deps.clock();
  const at = now.toISOString();
  const code = newEnrolmentCode();
  const id = uuidv7(now.getTime());
  await deps.database.write(async (trx) => {
    await deviceStore.insert(trx, {
      id,
      name,
      site: input.site,
      enrolment_code_hash: hashToken(normaliseEnrolmentCode(code)),
      enrolment_expires_at: new Date(now.getTime() + ENROLMENT_VALID_MS).toISOString(),
      token_hash: null,
      offline_days: offlineDays,
      enrolled_by: actor,
      created_at: at,
      enrolled_at: null,
      last_seen_at: null,
      revoked_at: null,
    });
    await recordAudit(trx, { at, actor, action: 'device.prepare', details: { deviceId: id, site: input.site, offlineDays }, ip });
  });
  const device = await deviceStore.byId(deps.database.db, id);
  if (!device) throw new Error('device vanished after creation');
  return { status: 'created', device, code };
}

/** The device redeems its one-time code for a long-lived token (shown once, stored hashed). */
export async function enrolDevice(deps: StaffDeps, code: string, ip: string | null = null): Promise<{ device: Device; token: string } | null> {
  const token = newSecretToken('dev');
  const at = deps.clock().toISOString();
  return deps.database.write(async (trx) => {
    const device = await deviceStore.redeem(trx, hashToken(normaliseEnrolmentCode(code)), hashToken(token), at);
    await recordAudit(trx, { at, actor: device ? `device:${device.id}` : 'unknown', action: device ? 'device.enrol' : 'device.enrol_failed', details: device ? { deviceId: device.id, site: device.site } : {}, ip });
    return device ? { device, token } : null;
  });
}

/** Revocation takes effect on the device's next request: tokens are checked against the database every time. */
export async function revokeDevice(deps: StaffDeps, id: string, actor: string, ip: string | null = null): Promise<boolean> {
  const at = deps.clock().toISOString();
  return deps.database.write(async (trx) => {
    const revoked = await deviceStore.revoke(trx, id, at);
    if (revoked) await recordAudit(trx, { at, actor, action: 'device.revoke', details: { deviceId: id }, ip });
    return revoked;
  });
}

export async function deviceForToken(deps: Pick<StaffDeps, 'database'>, token: string): Promise<Device | null> {
  return deviceStore.byToken(deps.database.db, hashToken(token));
}
