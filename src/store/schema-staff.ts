/** Tables of staff accounts, sessions, devices and pending audit entries (see migration 0002). */
export interface StaffUsersTable {
  id: string;
  username: string;
  display_name: string;
  role: string;
  /** JSON array of area P-codes. */
  areas: string;
  site: string | null;
  password_hash: string;
  must_change_password: number;
  password_changed_at: string;
  totp_secret_enc: string | null;
  totp_last_step: number;
  locked_until: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface StaffSessionsTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  authenticated_at: string;
  ip: string;
  revoked_at: string | null;
}

export interface AuthFailuresTable {
  id: string;
  username: string;
  ip: string;
  at: string;
}

export interface DevicesTable {
  id: string;
  name: string;
  site: string;
  enrolment_code_hash: string | null;
  enrolment_expires_at: string | null;
  token_hash: string | null;
  offline_days: number;
  enrolled_by: string;
  created_at: string;
  enrolled_at: string | null;
  last_seen_at: string | null;
  revoked_at: string | null;
}

export interface AuditPendingTable {
  id: string;
  at: string;
  actor: string;
  action: string;
  details: string;
  ip: string | null;
  device_time: string | null;
}

export interface DedupKeysTable {
  key: string;
  volunteer_id: string;
}

export interface DedupReviewsTable {
  id: string;
  volunteer_a: string;
  volunteer_b: string;
  probability: number;
  explanation: string;
  status: 'pending' | 'same' | 'different';
  data_hash: string;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
}
