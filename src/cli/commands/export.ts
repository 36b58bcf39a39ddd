import { createWriteStream, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { translate } from '../../i18n/translate.ts';
import { exportRequestSchema, getExport, openExportFile, requestExport } from '../../services/exports/exports.ts';
import { writeAggregates } from '../../services/reports/aggregates.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

const cli = { principal: { kind: 'system' as const, name: 'cli' }, ip: null };

/**
 * `muster export`: asks for an export of the roster from the command line (purpose, recipient and the
 * recipient's age key, fields, filters). When the drive requires a second person's approval, the
 * request waits for a signed-in coordinator or admin to approve it (POST /api/v1/exports/ID/approve);
 * `muster export --id ID --out FILE` then writes the file.
 */
export async function exportCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const ctx = await openFromCommand(values);
  const lang = typeof values.lang === 'string' ? values.lang : ctx.drive.config.defaultLanguage;
  try {
    const out = typeof values.out === 'string' ? values.out : undefined;
    let id = typeof values.id === 'string' ? values.id : undefined;
    if (!id) {
      const parsed = exportRequestSchema.safeParse({
        purpose: values.purpose,
        justification: values.justification,
        recipient: values.recipient,
        recipientKey: values['recipient-key'],
        encrypt: values['no-encrypt'] !== true,
        format: values.format,
        fields: typeof values.fields === 'string' ? values.fields.split(',').map((f) => f.trim()) : undefined,
        filters: {
          ...(typeof values.area === 'string' ? { area: values.area } : {}),
          ...(typeof values.role === 'string' ? { role: values.role } : {}),
          ...(typeof values.skill === 'string' ? { skill: values.skill } : {}),
          ...(typeof values.status === 'string' ? { status: values.status } : {}),
        },
        groupBy: values['group-by'],
      });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) io.err(`--${issue.path.join('.') || 'options'}: ${issue.message}`);
        return 2;
      }
      const outcome = await requestExport(ctx, cli, { authenticatedAt: null }, parsed.data);
      if ('status' in outcome) {
        if (outcome.status === 'invalid') for (const e of outcome.errors) io.err(`${e.field}: ${translate(e.code, lang, e.params)}`);
        else io.err(`export refused: ${outcome.status}`);
        return 1;
      }
      id = outcome.id;
      if (outcome.state === 'pending') {
        io.out(`export ${id} requested; it awaits a second person's approval (POST /api/v1/exports/${id}/approve). Then: muster export --id ${id} --out FILE`);
        return 0;
      }
      io.out(`export ${id}: ${outcome.rowCount ?? 0} rows, ${outcome.encrypted ? 'encrypted to the recipient' : 'NOT encrypted'}, expires ${outcome.expiresAt}`);
    }
    if (!out) {
      const view = await getExport(ctx, cli, id);
      io.out(view ? `export ${id}: ${view.state}${view.rowCount !== null ? `, ${view.rowCount} rows` : ''}` : `no export ${id}`);
      return view ? 0 : 1;
    }
    const file = await openExportFile(ctx, cli, { authenticatedAt: null }, id);
    if (file.status !== 'ok') {
      io.err(file.status === 'invalid_state' ? `export ${id} is ${file.state}` : `export ${id}: ${file.status}`);
      return 1;
    }
    await pipeline(file.stream, createWriteStream(out, { mode: 0o600 }));
    io.out(`written: ${out}${file.encrypted ? ' (age-encrypted: the recipient decrypts it with their identity)' : ''}`);
    return 0;
  } finally {
    await ctx.database.close();
  }
}

/** `muster report`: counts without personal data (area, role, skill, day) as CSV or PDF. */
export async function reportCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const format = values.format === 'pdf' ? 'pdf' : 'csv';
  if (typeof values.out !== 'string') throw new Error('--out FILE is required');
  const ctx = await openFromCommand(values);
  try {
    const lang = typeof values.lang === 'string' ? values.lang : ctx.drive.config.defaultLanguage;
    const rows = await writeAggregates(ctx, format, lang, createWriteStream(values.out), {
      minimumCount: typeof values['minimum-count'] === 'string' ? Number(values['minimum-count']) : 0,
      now: ctx.clock(),
    });
    io.out(`${rows} counts written: ${values.out}`);
    return 0;
  } finally {
    await ctx.database.close();
  }
}

/** `muster age-keygen`: a key pair for a recipient of exports (the identity file stays with them). */
export async function ageKeygenCommand(values: CommandValues, io: CommandIo): Promise<number> {
  if (typeof values.out !== 'string') throw new Error('--out IDENTITY_FILE is required');
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  writeFileSync(values.out, `# public key: ${recipient}\n${identity}\n`, { mode: 0o600, flag: 'wx' });
  io.out(recipient);
  return 0;
}
