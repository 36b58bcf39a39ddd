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

export function createCallupDeps(ctx: AppContext, settings: Partial<CallupSettings> = {}, extra: { outbox?: OutboxStore; onQueued?: () => void } = {}): CallupDeps {
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
