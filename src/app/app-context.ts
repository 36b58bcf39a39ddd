import { join, resolve } from 'node:path';
import { loadDrive, type Drive } from '../config/load-drive.ts';
import { createFieldCipher, type FieldCipher } from '../crypto/field-cipher.ts';
import { loadKeyring, type Keyring } from '../crypto/keyring.ts';
import { defaultCheckpointFile } from '../audit/checkpoints.ts';
import { createStaffStore, type StaffStore } from '../store/staff-store.ts';
import { migrate, openDatabase, type Database } from '../store/database.ts';
import { createVolunteerStore, type VolunteerStore } from '../store/volunteer-store.ts';

/**
 * Everything chosen once at start-up (database dialect, keys, drive, clock) and handed to the parts
 * that need it. Transports take what they use from here; services take narrower slices.
 */
export interface AppContext {
  database: Database;
  drive: Drive;
  cipher: FieldCipher;
  volunteers: VolunteerStore;
  staff: StaffStore;
  keyring: Keyring;
  clock: () => Date;
  dataDir: string;
  /** Where signed audit checkpoints are written: outside the database. */
  auditCheckpointFile: string;
}

export interface AppSettings {
  dataDir: string;
  databaseUrl?: string | undefined;
  drivePath?: string | undefined;
  /** Base64 master key; when absent, the key file in `keyFile` (default `<dataDir>/muster.key`). */
  envKey?: string | undefined;
  keyFile?: string | undefined;
  clock?: () => Date;
  /** Apply pending migrations on open (the server and most commands do). */
  migrate?: boolean;
  poolSize?: number;
  auditCheckpointFile?: string | undefined;
}

/** Reads settings from the environment, with command-line values taking precedence. */
export function settingsFromEnv(overrides: Partial<AppSettings> = {}, env: NodeJS.ProcessEnv = process.env): AppSettings {
  const dataDir = resolve(overrides.dataDir ?? env.MUSTER_DATA ?? './data');
  return {
    dataDir,
    databaseUrl: overrides.databaseUrl ?? (env.DATABASE_URL || undefined),
    drivePath: overrides.drivePath ?? (env.MUSTER_DRIVE || undefined),
    envKey: overrides.envKey ?? (env.MUSTER_KEY || undefined),
    keyFile: overrides.keyFile ?? env.MUSTER_KEY_FILE ?? join(dataDir, 'muster.key'),
    migrate: overrides.migrate ?? true,
    poolSize: overrides.poolSize ?? (env.MUSTER_PG_POOL ? Number(env.MUSTER_PG_POOL) : undefined),
    auditCheckpointFile: overrides.auditCheckpointFile ?? defaultCheckpointFile(dataDir, env),
  };
}

export async function openAppContext(settings: AppSettings): Promise<AppContext> {
  const drive = loadDrive(settings.drivePath);
  const keyring = loadKeyring({ envKey: settings.envKey, keyFile: settings.keyFile ?? join(settings.dataDir, 'muster.key') });
  const cipher = createFieldCipher(keyring);
  const database = openDatabase({ databaseUrl: settings.databaseUrl, dataDir: settings.dataDir, poolSize: settings.poolSize });
  try {
    if (settings.migrate !== false) await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    database,
    drive,
    cipher,
    volunteers: createVolunteerStore(cipher),
    staff: createStaffStore(cipher),
    keyring,
    clock: settings.clock ?? (() => new Date()),
    dataDir: settings.dataDir,
    auditCheckpointFile: settings.auditCheckpointFile ?? defaultCheckpointFile(settings.dataDir),
  };
}
