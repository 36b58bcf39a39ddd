/** Call-up tables (migration 0006). Times are ISO 8601 UTC text. */

export const CALLUP_STATUSES = ['draft', 'running', 'filled', 'closed', 'cancelled'] as const;
export type CallupStatus = (typeof CALLUP_STATUSES)[number];

export const RECIPIENT_STATES = ['asked', 'delivered', 'yes', 'no', 'no_answer', 'standby', 'cancelled'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

export interface CallupsTable {
  id: string;
  title: string;
  status: CallupStatus;
  areas: string;
  report_place: string;
  report_at: string;
  answer_by: string;
  texts: string;
  priority: number;
  over_ask: number;
  wave_timeout_minutes: number;
  wave: number;
  wave_started_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  filled_at: string | null;
  closed_at: string | null;
  cancelled_at: string | null;
}

export interface CallupNeedsTable {
  id: string;
  callup_id: string;
  position: number;
  role: string;
  skill: string | null;
  count: number;
  confirmed: number;
}

export interface CallupRecipientsTable {
  id: string;
  callup_id: string;
  need_id: string;
  volunteer_id: string;
  phone_hash: string;
  area: string;
  wave: number;
  state: RecipientState;
  letter: string;
  language: string;
  outbox_id: string | null;
  clarified: number;
  asked_at: string;
  delivered_at: string | null;
  answered_at: string | null;
  updated_at: string;
}

export interface CallupRotationTable {
  volunteer_id: string;
  last_asked_at: string | null;
  last_served_at: string | null;
}
