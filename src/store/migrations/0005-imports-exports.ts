import type { Kysely, Migration } from 'kysely';

/**
 * Imports of paper lists and controlled exports of the roster.
 *
 * - `import_profiles`: saved column mappings (which column of a spreadsheet holds which field).
 * - `import_jobs`: one run (dry or real) over one file, known by the SHA-256 of its content, with its
 *   counts; `import_rows` records the outcome of every row (never its content: refusal reasons are
 *   codes, translated when the report is read), which is what makes an interrupted run resumable.
 * - `export_requests`: who asked for which people, which fields, for what purpose, for whom (and the
 *   recipient's public key), who approved, the state, when the file expires, how many rows it holds.
 */
export const migration0005: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('import_profiles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      /** JSON: field -> column header, and constant values (consent version, captured by...). */
      .addColumn('mapping', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('import_jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('file_name', 'text', (c) => c.notNull())
      /** SHA-256 of the file's bytes: the same file resumes the same job. */
      .addColumn('file_hash', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('dry_run', 'integer', (c) => c.notNull())
      .addColumn('profile_id', 'text')
      /** JSON: the mapping used (a copy: a profile may change later). */
      .addColumn('mapping', 'text', (c) => c.notNull())
      /** 'running' | 'interrupted' | 'done' | 'failed' */
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('total_rows', 'integer')
      /** Rows 1..rows_done all have an outcome in import_rows. */
      .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('matched_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('refused_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('review_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema.createIndex('import_jobs_file').on('import_jobs').columns(['file_hash', 'dry_run', 'status']).execute();

    await db.schema
      .createTable('import_rows')
      .addColumn('job_id', 'text', (c) => c.notNull().references('import_jobs.id').onDelete('cascade'))
      /** 1 = the first data row (after the header). */
      .addColumn('row_number', 'integer', (c) => c.notNull())
      /** 'created' | 'matched' | 'refused' | 'review' (created, and a possible duplicate awaits review) */
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('volunteer_id', 'text')
      /** JSON array of field errors (codes and parameters, never the refused values). */
      .addColumn('errors', 'text')
      .addPrimaryKeyConstraint('import_rows_pk', ['job_id', 'row_number'])
      .execute();

    await db.schema
      .createTable('export_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      /** age public key (age1...) the file is encrypted to; null only for an unencrypted export. */
      .addColumn('recipient_key', 'text')
      /** 'csv' | 'xlsx' | 'pdf' */
      .addColumn('format', 'text', (c) => c.notNull())
      /** JSON array of exported fields. */
      .addColumn('fields', 'text', (c) => c.notNull())
      /** JSON: areas, role, skill, status; and the requester's scope at the time. */
      .addColumn('filters', 'text', (c) => c.notNull())
      /** PDF: one section per area or per role. */
      .addColumn('group_by', 'text')
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      .addColumn('approved_at', 'text')
      .addColumn('refused_by', 'text')
      .addColumn('refused_reason', 'text')
      /** 'pending' | 'approved' | 'refused' | 'ready' | 'expired' | 'failed' */
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('row_count', 'integer')
      /** File name inside the exports directory, while the file exists. */
      .addColumn('file_name', 'text')
      .addColumn('file_sha256', 'text')
      .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('export_requests_state').on('export_requests').columns(['state', 'expires_at']).execute();
  },
};
