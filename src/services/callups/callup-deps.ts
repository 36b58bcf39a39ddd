import type { AppContext } from '../../app/app-context.ts';
import type { Drive } from '../../config/load-drive.ts';
import type { FieldCipher } from '../../crypto/field-cipher.ts';
import type { Database } from '../../store/database.ts';
import { createOutboxStore, type OutboxStore } from '../../store/outbox-store.ts';

export interface CallupSettings {
  /** How many people to ask per open place (1.5: ask 60 for 40 places). */
  overAsk: number;
  /** How long a wave waits for answers before the next candidates are asked. */
  waveTimeoutMinutes: number;
  smart: boolean;
}

export const DEFAULT_CALLUP_SETTINGS: CallupSettings = { overAsk: 1.5, waveTimeoutMinutes: 120, smart: false };

/**
 * Settings from the environment: MUSTER_CALLUP_OVER_ASK (default 1.5), MUSTER_CALLUP_WAVE_MINUTES
 * (default 120). A call-up may set its own.
 */
export function callupSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): CallupSettings {
  const number = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}`);
    return value;
  };
  return {
    overAsk: number('MUSTER_CALLUP_OVER_ASK', DEFAULT_CALLUP_SETTINGS.overAsk, 1, 5),
    waveTimeoutMinutes: Math.round(number('MUSTER_CALLUP_WAVE_MINUTES', DEFAULT_CALLUP_SETTINGS.waveTimeoutMinutes, 5, 7 * 24 * 60)),
    smart: DEFAULT_CALLUP_SETTINGS.smart,
  };
}

export interface CallupDeps {
  database: Database;
  drive: Drive;
  cipher: FieldCipher;
  clock: () => Date;
  outbox: OutboxStore;
  settings: CallupSettings;
  /** Called after a transaction that queued messages has committed (wakes an in-process dispatcher). */
  onQueued: () => void;
}

export function createCallupDeps(ctx: AppContext, settings: Partial<CallupSettings> = callupSettingsFromEnv(), extra: { outbox?: OutboxStore; onQueued?: () => void } = {}): CallupDeps {
  const s = { ...DEFAULT_CALLUP_SETTINGS, ...settings };
  return {
    database: ctx.database,
    drive: ctx.drive,
    cipher: ctx.cipher,
    clock: ctx.clock,
    outbox: extra.outbox ?? createOutboxStore(ctx.cipher, { smart: s.smart }),
    settings: s,
    onQueued: extra.onQueued ?? (() => undefined),
  };
}
