import { parseArgs, type ParseArgsConfig } from 'node:util';
import { adminTokenCommand } from './commands/admin-token.ts';
import { configCheckCommand } from './commands/config-check.ts';
import { demoCommand } from './commands/demo.ts';
import { migrateCommand } from './commands/migrate.ts';
import { serveCommand } from './commands/serve.ts';
import { statsCommand } from './commands/stats.ts';

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export type CommandValues = Record<string, string | boolean | undefined>;

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run: (values: CommandValues, io: CommandIo) => Promise<number>;
}

const dataOption = { data: { type: 'string' }, drive: { type: 'string' } } as const;

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'start the HTTP server',
    usage: 'serve [--port 3000] [--host 127.0.0.1] [--data DIR]',
    options: { ...dataOption, port: { type: 'string' }, host: { type: 'string' } },
    run: serveCommand,
  },
  migrate: { summary: 'apply pending database migrations', usage: 'migrate [--data DIR]', options: dataOption, run: migrateCommand },
  'config check': { summary: 'validate the drive configuration', usage: 'config check [--drive FILE]', options: dataOption, run: configCheckCommand },
  stats: { summary: 'counts of the registry (no personal data)', usage: 'stats [--data DIR]', options: dataOption, run: statsCommand },
  demo: {
    summary: 'fill the database with N synthetic volunteers',
    usage: 'demo --volunteers N [--seed S] [--duplicates RATE] [--data DIR]',
    options: { ...dataOption, volunteers: { type: 'string' }, seed: { type: 'string' }, duplicates: { type: 'string' } },
    run: demoCommand,
  },
  'admin-token': {
    summary: 'issue a new bootstrap admin token (revokes the previous one)',
    usage: 'admin-token [--data DIR]',
    options: dataOption,
    run: adminTokenCommand,
  },
};

function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  muster ${c.usage.padEnd(62)} ${c.summary}`);
  return ['usage:', ...lines, '', 'environment: DATABASE_URL (postgres://...), MUSTER_DATA, MUSTER_KEY, MUSTER_DRIVE, PORT, HOST'].join('\n');
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
  try {
    values = parseArgs({ args: argv.slice(name.split(' ').length), options: command.options, strict: true, allowPositionals: false }).values as CommandValues;
  } catch (error) {
    io.err(`${(error as Error).message}\nusage: muster ${command.usage}`);
    return 2;
  }
  try {
    return await command.run(values, io);
  } catch (error) {
    io.err(`muster ${name}: ${(error as Error).message}`);
    return 1;
  }
}
