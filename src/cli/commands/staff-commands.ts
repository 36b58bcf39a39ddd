import { changeStaffUser, createStaffUser, type StaffChange } from '../../services/staff/manage-staff.ts';
import { prepareDevice, revokeDevice } from '../../services/staff/manage-devices.ts';
import { deviceStore } from '../../store/device-store.ts';
import { translate } from '../../i18n/translate.ts';
import type { FieldError } from '../../domain/field-error.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

const CLI_ACTOR = 'system:cli';

function text(values: CommandValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function required(values: CommandValues, name: string): string {
  const value = text(values, name);
  if (!value) throw new Error(`--${name} is required`);
  return value;
}

function explain(errors: readonly FieldError[]): string {
  return errors.map((e) => `  ${e.field}: ${translate(e.code, 'en', e.params)}`).join('\n');
}

/** `muster user add`: the first admin is made this way; the password printed must be changed at first sign-in. */
export async function userAddCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const ctx = await openFromCommand(values);
  try {
    const areas = text(values, 'areas')?.split(',').map((a) => a.trim()).filter(Boolean);
    const outcome = await createStaffUser(
      ctx,
      { username: required(values, 'username'), displayName: text(values, 'name'), role: required(values, 'role'), areas, site: text(values, 'site') ?? null },
      CLI_ACTOR,
    );
    if (outcome.status === 'refused') {
      io.err(`refused:\n${explain(outcome.errors)}`);
      return 1;
    }
    if (outcome.status === 'exists') {
      io.err('a user with this username already exists');
      return 1;
    }
    io.out(`created ${outcome.user.role} ${outcome.user.username} (${outcome.user.id})`);
    io.out(`one-time password: ${outcome.oneTimePassword}`);
    io.err('It must be changed at first sign-in; admins, coordinators and officers then set up a TOTP app.');
    return 0;
  } finally {
    await ctx.database.close();
  }
}

export async function userListCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const ctx = await openFromCommand(values);
  try {
    for (const u of await ctx.staff.list(ctx.database.db)) {
      const state = u.disabledAt ? 'disabled' : u.mustChangePassword ? 'must change password' : u.totpSecret ? '2FA on' : 'no 2FA';
      io.out(`${u.username.padEnd(20)} ${u.role.padEnd(12)} ${(u.areas.join(',') || u.site || '-').padEnd(24)} ${state}`);
    }
    return 0;
  } finally {
    await ctx.database.close();
  }
}

function userChangeCommand(kind: StaffChange['kind']) {
  return async (values: CommandValues, io: CommandIo): Promise<number> => {
    const ctx = await openFromCommand(values);
    try {
      const user = await ctx.staff.byUsername(ctx.database.db, required(values, 'username'));
      if (!user) {
        io.err('no such user');
        return 1;
      }
      const outcome = await changeStaffUser(ctx, user.id, { kind } as StaffChange, CLI_ACTOR);
      if (outcome.status !== 'done') {
        io.err(outcome.status === 'refused' ? explain(outcome.errors) : 'no such user');
        return 1;
      }
      io.out(`${user.username}: ${kind.replace('_', ' ')} done; sessions ended`);
      if (outcome.oneTimePassword) io.out(`one-time password: ${outcome.oneTimePassword}`);
      return 0;
    } finally {
      await ctx.database.close();
    }
  };
}

export const userDisableCommand = userChangeCommand('disable');
export const userEnableCommand = userChangeCommand('enable');
export const userResetPasswordCommand = userChangeCommand('reset_password');
export const userResetTotpCommand = userChangeCommand('reset_totp');

/** `muster device enroll`: prepares a device; its one-time code is typed on the device to enrol it. */
export async function deviceEnrollCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const ctx = await openFromCommand(values);
  try {
    const offline = text(values, 'offline-days');
    const outcome = await prepareDevice(
      ctx,
      { name: required(values, 'name'), site: required(values, 'site'), offlineDays: offline === undefined ? undefined : Number(offline) },
      CLI_ACTOR,
    );
    if (outcome.status === 'refused') {
      io.err(`refused:\n${explain(outcome.errors)}`);
      return 1;
    }
    io.out(`device ${outcome.device.id} (${outcome.device.name}, site ${outcome.device.site})`);
    io.out(`enrolment code: ${outcome.code}`);
    io.err('Valid 24 hours, once: the device sends it to POST /api/v1/devices/enrol and receives its token.');
    return 0;
  } finally {
    await ctx.database.close();
  }
}

export async function deviceListCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const ctx = await openFromCommand(values);
  try {
    for (const d of await deviceStore.list(ctx.database.db)) io.out(`${d.id}  ${d.state.padEnd(8)} ${d.site.padEnd(20)} ${d.name}`);
    return 0;
  } finally {
    await ctx.database.close();
  }
}

export async function deviceRevokeCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const ctx = await openFromCommand(values);
  try {
    const id = required(values, 'id');
    if (!(await revokeDevice(ctx, id, CLI_ACTOR))) {
      io.err('no such active device');
      return 1;
    }
    io.out(`device ${id} revoked`);
    return 0;
  } finally {
    await ctx.database.close();
  }
}
