import { parseArgs, type ParseArgsConfig } from 'node:util';
import { configCheckCommand } from './commands/config-check.ts';
import { demoCommand } from './commands/demo.ts';
import { migrateCommand } from './commands/migrate.ts';
import { serveCommand } from './commands/serve.ts';
import { statsCommand } from './commands/stats.ts';
import { callupCommand } from './commands/callup.ts';
import { workerCommand } from './commands/worker.ts';
import { auditVerifyCommand } from './commands/audit-verify.ts';
import { dedupCommand } from './commands/dedup.ts';
import { dedupFileCommand } from './commands/dedup-file.ts';
import { resealCommand } from './commands/reseal.ts';
import { importCommand } from './commands/import.ts';
import { ageKeygenCommand, exportCommand, reportCommand } from './commands/export.ts';
import {
  deviceEnrollCommand,
  deviceListCommand,
  deviceRevokeCommand,
  userAddCommand,
  userDisableCommand,
  userEnableCommand,
  userListCommand,
  userResetPasswordCommand,
  userResetTotpCommand,
} from './commands/staff-commands.ts';

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export type CommandValues = Record<string, string | boolean | undefined>;

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run: (values: CommandValues, io: CommandIo, positionals: readonly string[]) => Promise<number>;
  /** Takes file names after the options (muster import FILE). */
  positionals?: boolean;
}

const dataOption = { data: { type: 'string' }, drive: { type: 'string' } } as const;

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'start the HTTP server',
    usage: 'serve [--port 3000] [--host 127.0.0.1] [--data DIR]',
    options: { ...dataOption, port: { type: 'string' }, host: { type: 'string' } },
    run: serveCommand,
  },
  worker: { summary: 'send queued SMS through Kannel (the dispatcher as its own process)', usage: 'worker [--data DIR]', options: dataOption, run: workerCommand },
  migrate: { summary: 'apply pending database migrations', usage: 'migrate [--data DIR]', options: dataOption, run: migrateCommand },
  'config check': { summary: 'validate the drive configuration', usage: 'config check [--drive FILE]', options: dataOption, run: configCheckCommand },
  stats: { summary: 'counts of the registry (no personal data)', usage: 'stats [--data DIR]', options: dataOption, run: statsCommand },
  'callup create': { summary: 'write a call-up from a JSON file (a draft: nothing is sent)', usage: 'callup create --file CALLUP.json', options: { ...dataOption, file: { type: 'string' } }, run: callupCommand('create') },
  'callup preview': { summary: 'who would be asked: counts per need and area, message sizes', usage: 'callup preview --id ID', options: { ...dataOption, id: { type: 'string' } }, run: callupCommand('preview') },
  'callup start': { summary: 'start a call-up: the first wave is queued', usage: 'callup start --id ID', options: { ...dataOption, id: { type: 'string' } }, run: callupCommand('start') },
  'callup status': { summary: 'live counts per need', usage: 'callup status --id ID', options: { ...dataOption, id: { type: 'string' } }, run: callupCommand('status') },
  'callup cancel': { summary: 'cancel a call-up (those who said yes are told)', usage: 'callup cancel --id ID', options: { ...dataOption, id: { type: 'string' } }, run: callupCommand('cancel') },
  'callup close': { summary: 'close a call-up (no more answers)', usage: 'callup close --id ID', options: { ...dataOption, id: { type: 'string' } }, run: callupCommand('close') },
  demo: {
    summary: 'fill the database with N synthetic volunteers',
    usage: 'demo --volunteers N [--seed S] [--duplicates RATE] [--data DIR]',
    options: { ...dataOption, volunteers: { type: 'string' }, seed: { type: 'string' }, duplicates: { type: 'string' } },
    run: demoCommand,
  },
  'user add': {
    summary: 'create a staff account (prints a one-time password)',
    usage: 'user add --username U --role admin|coordinator|agent|officer|auditor|analyst [--areas P1,P2] [--site S] [--name N]',
    options: { ...dataOption, username: { type: 'string' }, role: { type: 'string' }, areas: { type: 'string' }, site: { type: 'string' }, name: { type: 'string' } },
    run: userAddCommand,
  },
  'user list': { summary: 'staff accounts', usage: 'user list', options: dataOption, run: userListCommand },
  'user disable': { summary: 'disable an account (ends its sessions)', usage: 'user disable --username U', options: { ...dataOption, username: { type: 'string' } }, run: userDisableCommand },
  'user enable': { summary: 'enable an account again', usage: 'user enable --username U', options: { ...dataOption, username: { type: 'string' } }, run: userEnableCommand },
  'user reset-password': {
    summary: 'new one-time password (ends sessions)',
    usage: 'user reset-password --username U',
    options: { ...dataOption, username: { type: 'string' } },
    run: userResetPasswordCommand,
  },
  'user reset-2fa': { summary: 'remove the TOTP second factor (ends sessions)', usage: 'user reset-2fa --username U', options: { ...dataOption, username: { type: 'string' } }, run: userResetTotpCommand },
  'device enroll': {
    summary: 'prepare a registration device (prints its one-time code)',
    usage: 'device enroll --site S --name N [--offline-days 7]',
    options: { ...dataOption, site: { type: 'string' }, name: { type: 'string' }, 'offline-days': { type: 'string' } },
    run: deviceEnrollCommand,
  },
  'device list': { summary: 'registration devices', usage: 'device list', options: dataOption, run: deviceListCommand },
  'device revoke': { summary: 'revoke a device at once', usage: 'device revoke --id ID', options: { ...dataOption, id: { type: 'string' } }, run: deviceRevokeCommand },
  dedup: {
    summary: 'look for duplicates over the whole registry and fill the review queue',
    usage: 'dedup [--data DIR]',
    options: dataOption,
    run: dedupCommand,
  },
  reseal: {
    summary: 'seal the personal fields of volunteers registered before migration 0008 together (resumable; Ctrl-C stops after a batch)',
    usage: 'reseal [--batch 500] [--data DIR]',
    options: { ...dataOption, batch: { type: 'string' } },
    run: resealCommand,
  },
  'dedup-file': {
    summary: 'pairs of a CSV file that are the same person (id_a,id_b,score), without touching the registry',
    usage: 'dedup-file --input F.csv --id-column COL --columns given_name=COL,family_name=COL[,birth_date=COL,...] --out pairs.csv [--threshold P]',
    options: { input: { type: 'string' }, 'id-column': { type: 'string' }, columns: { type: 'string' }, out: { type: 'string' }, threshold: { type: 'string' } },
    run: dedupFileCommand,
  },
  import: {
    summary: 'import a typed-up paper list (same rules as every channel; resumable; report of refusals)',
    usage: 'import FILE.csv|xlsx (--mapping M.json [--save-profile NAME] | --profile NAME) [--dry-run] [--report OUT.csv] [--full-report] [--lang fr|en|ha]',
    options: {
      ...dataOption,
      mapping: { type: 'string' },
      profile: { type: 'string' },
      'save-profile': { type: 'string' },
      'dry-run': { type: 'boolean' },
      report: { type: 'string' },
      'full-report': { type: 'boolean' },
      lang: { type: 'string' },
    },
    positionals: true,
    run: importCommand,
  },
  export: {
    summary: 'ask for an export of the roster (purpose, recipient, age key; approval by a second person), or write a ready one',
    usage:
      'export --purpose call_up|verification|planning|transfer --justification TEXT --recipient WHO --recipient-key age1... [--fields a,b] [--area P] [--role R] [--skill S] [--status S] [--format csv|xlsx|pdf] [--group-by area|role] [--out FILE] | export --id ID --out FILE',
    options: {
      ...dataOption,
      purpose: { type: 'string' },
      justification: { type: 'string' },
      recipient: { type: 'string' },
      'recipient-key': { type: 'string' },
      'no-encrypt': { type: 'boolean' },
      fields: { type: 'string' },
      area: { type: 'string' },
      role: { type: 'string' },
      skill: { type: 'string' },
      status: { type: 'string' },
      format: { type: 'string' },
      'group-by': { type: 'string' },
      id: { type: 'string' },
      out: { type: 'string' },
      lang: { type: 'string' },
    },
    run: exportCommand,
  },
  report: {
    summary: 'counts without personal data (area, role, skill, day) as CSV or PDF',
    usage: 'report --out FILE [--format csv|pdf] [--minimum-count N] [--lang fr|en|ha]',
    options: { ...dataOption, out: { type: 'string' }, format: { type: 'string' }, 'minimum-count': { type: 'string' }, lang: { type: 'string' } },
    run: reportCommand,
  },
  'age-keygen': {
    summary: 'a key pair for an export recipient (prints the public key; the identity file stays with the recipient)',
    usage: 'age-keygen --out IDENTITY_FILE',
    options: { out: { type: 'string' } },
    run: ageKeygenCommand,
  },
  'audit verify': { summary: 'check the audit chain and its signed checkpoints', usage: 'audit verify', options: dataOption, run: auditVerifyCommand },
};

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  muster ${c.usage.padEnd(62)} ${c.summary}`);
  return ['usage:', ...lines, '', 'environment: DATABASE_URL (postgres://...), MUSTER_DATA, MUSTER_KEY, MUSTER_DRIVE, PORT, HOST, MUSTER_KANNEL_URL (SMS: see README)'].join('\n');
}

/** Runs a command line and returns the exit code. */
export async function main(argv: string[], io: CommandIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  const [first, second] = argv;
  const name = first && second && COMMANDS[`${first} ${second}`] ? `${first} ${second}` : first;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  let values: CommandValues;
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: argv.slice(name.split(' ').length), options: command.options, strict: true, allowPositionals: command.positionals === true });
    values = parsed.values as CommandValues;
    positionals = parsed.positionals;
  } catch (error) {
    io.err(`${(error as Error).message}\nusage: muster ${command.usage}`);
    return 2;
  }
  try {
    return await command.run(values, io, positionals);
  } catch (error) {
    io.err(`muster ${name}: ${(error as Error).message}`);
    return 1;
  }
}
