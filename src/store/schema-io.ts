/** Tables of imports and exports (see migration 0005). */
export interface ImportProfilesTable {
  id: string;
  name: string;
  mapping: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export type ImportJobStatus = 'running' | 'interrupted' | 'done' | 'failed';

export interface ImportJobsTable {
  id: string;
  file_name: string;
  file_hash: string;
  format: 'csv' | 'xlsx';
  dry_run: number;
  profile_id: string | null;
  mapping: string;
  status: ImportJobStatus;
  total_rows: number | null;
  rows_done: number;
  created_count: number;
  matched_count: number;
  refused_count: number;
  review_count: number;
  error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export type ImportRowOutcome = 'created' | 'matched' | 'refused' | 'review';

export interface ImportRowsTable {
  job_id: string;
  row_number: number;
  outcome: ImportRowOutcome;
  volunteer_id: string | null;
  errors: string | null;
}

export type ExportState = 'pending' | 'approved' | 'refused' | 'ready' | 'expired' | 'failed';

export interface ExportRequestsTable {
  id: string;
  purpose: string;
  recipient: string;
  recipient_key: string | null;
  format: 'csv' | 'xlsx' | 'pdf';
  fields: string;
  filters: string;
  group_by: 'area' | 'role' | null;
  requested_by: string;
  requested_at: string;
  approved_by: string | null;
  approved_at: string | null;
  refused_by: string | null;
  refused_reason: string | null;
  state: ExportState;
  expires_at: string;
  row_count: number | null;
  file_name: string | null;
  file_sha256: string | null;
  downloads: number;
  created_at: string;
  updated_at: string;
}
