import { PostgresAdapter, sql, type Kysely, type Migration } from 'kysely';

/**
 * Staff accounts, sessions, sign-in failures, agent devices, and the append-only audit log.
 * The audit table refuses UPDATE and DELETE by trigger on both databases; on PostgreSQL an operator
 * should also grant the application role only INSERT and SELECT on it (see README).
 */
export const migration0002: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

    await db.schema
      .createTable('staff_users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      /** JSON array of area P-codes (coordinators, officers). */
      .addColumn('areas', 'text', (c) => c.notNull())
      /** Registration site (agents). */
      .addColumn('site', 'text')
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('must_change_password', 'integer', (c) => c.notNull())
      .addColumn('password_changed_at', 'text', (c) => c.notNull())
      .addColumn('totp_secret_enc', 'text')
      /** Last TOTP time step accepted: a code is never accepted twice. */
      .addColumn('totp_last_step', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .addColumn('disabled_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('staff_sessions')
      /** SHA-256 of the session id: a stolen database does not give working sessions. */
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('staff_users.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      /** Sign-in recent enough for sensitive actions (exports). */
      .addColumn('authenticated_at', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('staff_sessions_user').on('staff_sessions').column('user_id').execute();

    await db.schema
      .createTable('auth_failures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('auth_failures_username_at').on('auth_failures').columns(['username', 'at']).execute();

    await db.schema
      .createTable('devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('site', 'text', (c) => c.notNull())
      /** SHA-256 of the one-time enrolment code, until the device redeems it. */
      .addColumn('enrolment_code_hash', 'text', (c) => c.unique())
      .addColumn('enrolment_expires_at', 'text')
      /** SHA-256 of the device token, once enrolled. */
      .addColumn('token_hash', 'text', (c) => c.unique())
      .addColumn('offline_days', 'integer', (c) => c.notNull())
      .addColumn('enrolled_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('enrolled_at', 'text')
      .addColumn('last_seen_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      /** JSON: ids of the records concerned, filters, counts, reasons. Never personal data. */
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('device_time', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'seq']).execute();
    await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'seq']).execute();

    // Entries waiting to be sealed into the chain. Business transactions insert here (no lock, no
    // contention); the sealer appends them to audit_log in order and removes them.
    await db.schema
      .createTable('audit_pending')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('device_time', 'text')
      .execute();

    // Append-only, enforced by the database itself.
    if (postgres) {
      await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
        begin raise exception 'audit_log is append-only'; end $$`.execute(db);
      await sql`create trigger audit_log_no_update before update or delete or truncate on audit_log
        for each statement execute function audit_log_append_only()`.execute(db);
      await sql`create trigger audit_pending_no_update before update on audit_pending
        for each statement execute function audit_log_append_only()`.execute(db);
    } else {
      await sql`create trigger audit_log_no_update before update on audit_log
        begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      await sql`create trigger audit_log_no_delete before delete on audit_log
        begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
      await sql`create trigger audit_pending_no_update before update on audit_pending
        begin select raise(abort, 'audit entries are never edited'); end`.execute(db);
    }

    // An agent sees what it registered (consent captured by it) in the last 24 hours.
    await db.schema.createIndex('volunteers_captured_by').on('volunteers').columns(['consent_captured_by', 'created_at']).execute();
  },
};
