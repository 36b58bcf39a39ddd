/** Messaging tables (migration 0004). Times are ISO 8601 UTC text; `_enc` is ciphertext, `_hash` a blind index. */

export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface OutboxTable {
  id: string;
  dedup_key: string | null;
  channel: 'sms';
  /** 0: reply to a person, 1: bulk. */
  priority: number;
  kind: string;
  phone_enc: string;
  phone_hash: string;
  sender: string | null;
  body_enc: string;
  encoding: 'gsm7' | 'ucs2';
  segments: number;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  dlr_status: number | null;
  created_at: string;
  sending_at: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  failed_at: string | null;
  cancelled_at: string | null;
}

export interface InboundMessagesTable {
  id: string;
  channel: 'sms' | 'ussd';
  gateway_id: string;
  phone_hash: string;
  body_enc: string;
  outcome: string;
  received_at: string;
}

export interface OptOutsTable {
  phone_hash: string;
  keyword: string;
  at: string;
}

export interface ConversationsTable {
  key: string;
  channel: 'sms' | 'ussd';
  phone_hash: string;
  state_enc: string;
  version: number;
  updated_at: string;
  expires_at: string;
}
