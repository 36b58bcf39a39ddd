import type { ConversationsTable, InboundMessagesTable, OptOutsTable, OutboxTable } from './schema-messaging.ts';
import type { AuditPendingTable, AuthFailuresTable, DedupKeysTable, DedupReviewsTable, DevicesTable, StaffSessionsTable, StaffUsersTable } from './schema-staff.ts';
import type { CallupNeedsTable, CallupRecipientsTable, CallupRotationTable, CallupsTable } from './schema-callups.ts';
import type { ExportRequestsTable, ImportJobsTable, ImportProfilesTable, ImportRowsTable } from './schema-io.ts';

/**
 * Tables as the application sees them. Times are ISO 8601 UTC text (sortable, identical in SQLite and
 * PostgreSQL). Columns ending in `_enc` hold AES-GCM ciphertext (see crypto/field-cipher.ts); columns
 * ending in `_hash` hold keyed hashes used for exact lookups.
 */
export interface VolunteersTable {
  id: string;
  reference: string;
  client_id: string;
  request_hash: string;
  status: 'active' | 'withdrawn' | 'suspended';
  /**
   * The personal fields sealed together (store/personal-fields.ts, since migration 0008); the five
   * per-field columns below are null then, and hold the fields only in rows written before.
   */
  personal_enc: string | null;
  given_name_enc: string | null;
  family_name_enc: string | null;
  phone_enc: string | null;
  national_id_enc: string | null;
  birth_date_enc: string | null;
  phone_hash: string | null;
  national_id_hash: string | null;
  birth_year: number | null;
  birth_precision: 'day' | 'year' | 'estimated' | null;
  sex: 'F' | 'M' | null;
  area: string;
  site: string | null;
  channel: 'web' | 'agent' | 'sms' | 'ussd' | 'import';
  /** JSON array of language codes. */
  languages: string;
  availability: 'immediate' | 'within_week' | 'later';
  consent_version: string;
  consent_language: string;
  consent_at: string;
  consent_captured_by: string;
  recorded_at: string | null;
  created_at: string;
  updated_at: string;
  withdrawn_at: string | null;
  /** Set when a review found this registration to be the same person as another: where it went. */
  merged_into?: string | null;
  /**
   * The roles and skills of volunteer_roles and volunteer_skills as word lists (store/word-list.ts,
   * migration 0010), for the call-up index; written with them.
   */
  roles: string;
  skills: string;
}

export interface VolunteerRolesTable {
  volunteer_id: string;
  role: string;
}

export interface VolunteerSkillsTable {
  volunteer_id: string;
  skill: string;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

/** The append-only, hash-chained audit log (see audit/audit-chain.ts). */
export interface AuditLogTable {
  /** 1, 2, 3, ... without gaps: a gap is a deleted entry. */
  seq: number;
  at: string;
  actor: string;
  action: string;
  /** JSON text: ids, filters, counts, reasons; never personal data. */
  details: string;
  ip: string | null;
  /** Device clock of an offline registration, as the device reported it. */
  device_time: string | null;
  prev_hash: string;
  hash: string;
}

export interface MusterSchema {
  volunteers: VolunteersTable;
  volunteer_roles: VolunteerRolesTable;
  volunteer_skills: VolunteerSkillsTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  staff_users: StaffUsersTable;
  staff_sessions: StaffSessionsTable;
  auth_failures: AuthFailuresTable;
  devices: DevicesTable;
  audit_pending: AuditPendingTable;
  dedup_keys: DedupKeysTable;
  dedup_reviews: DedupReviewsTable;
  outbox: OutboxTable;
  inbound_messages: InboundMessagesTable;
  opt_outs: OptOutsTable;
  conversations: ConversationsTable;
  import_profiles: ImportProfilesTable;
  import_jobs: ImportJobsTable;
  import_rows: ImportRowsTable;
  export_requests: ExportRequestsTable;
  callups: CallupsTable;
  callup_needs: CallupNeedsTable;
  callup_recipients: CallupRecipientsTable;
  callup_rotation: CallupRotationTable;
}

