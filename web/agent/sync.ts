import { errorText } from '../shared/i18n.ts';
import { store, type Enrolment, type OutboxRecord, type RecordState } from './store.ts';

/** Registrations per request; the API takes up to 1,000, smaller batches answer sooner on a slow link. */
export const SYNC_BATCH = 100;

interface SyncResult {
  index: number;
  clientId: string | null;
  httpStatus: number;
  outcome?: string;
  reference?: string;
  awaitingReview?: boolean;
  title?: string;
  errors?: { field: string; code: string; params?: Record<string, string | number> }[];
}

export type SyncOutcome = { status: 'done'; sent: number } | { status: 'offline' } | { status: 'revoked' } | { status: 'failed'; httpStatus: number };

/** What a record becomes after the server's answer for it. */
export function settle(record: OutboxRecord, result: SyncResult, lang: string, now: string): OutboxRecord {
  let state: RecordState;
  let errors: OutboxRecord['errors'];
  if (result.httpStatus === 201) state = result.awaitingReview ? 'review' : 'registered';
  else if (result.httpStatus === 409) state = 'already';
  else {
    state = 'refused';
    errors = result.errors?.length
      ? result.errors.map((e) => ({ field: e.field, message: errorText(e, lang) }))
      : [{ field: '', message: result.title ?? String(result.httpStatus) }];
  }
  // Once the server has answered for good, the personal data leave the device (only the name shown in the
  // day's list stays); a refused record keeps them so the agent can see what was typed.
  return { ...record, state, reference: result.reference, errors, registration: state === 'refused' ? record.registration : null, updatedAt: now };
}

let running: Promise<SyncOutcome> | null = null;

/**
 * Sends every waiting record (and any left "sent" by a crash: the server answers a resent client id
 * with its first answer), in batches. One run at a time.
 */
export function syncOutbox(enrolment: Enrolment, lang: string, onProgress: () => void): Promise<SyncOutcome> {
  running ??= (async () => {
    try {
      return await syncOnce(enrolment, lang, onProgress);
    } finally {
      running = null;
    }
  })();
  return running;
}

async function syncOnce(enrolment: Enrolment, lang: string, onProgress: () => void): Promise<SyncOutcome> {
  let sent = 0;
  for (;;) {
    const pending = (await store.all()).filter((r) => (r.state === 'waiting' || r.state === 'sent') && r.registration !== null).slice(0, SYNC_BATCH);
    if (pending.length === 0) return { status: 'done', sent };
    const ids = pending.map((r) => r.clientId);
    await store.update(ids, (r) => ({ ...r, state: 'sent', updatedAt: new Date().toISOString() }));
    onProgress();
    let response: Response;
    try {
      response = await fetch(`/api/v1/sync/registrations?lang=${encodeURIComponent(lang)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${enrolment.token}` },
        body: JSON.stringify({ registrations: pending.map((r) => r.registration) }),
      });
    } catch {
      await store.update(ids, (r) => (r.state === 'sent' ? { ...r, state: 'waiting' } : null));
      onProgress();
      return { status: 'offline' };
    }
    if (!response.ok) {
      await store.update(ids, (r) => (r.state === 'sent' ? { ...r, state: 'waiting' } : null));
      onProgress();
      return response.status === 401 ? { status: 'revoked' } : { status: 'failed', httpStatus: response.status };
    }
    const { results } = (await response.json()) as { results: SyncResult[] };
    const byId = new Map(results.map((r) => [r.clientId ?? pending[r.index]?.clientId ?? '', r]));
    const now = new Date().toISOString();
    await store.update(ids, (record) => {
      const result = byId.get(record.clientId);
      return result ? settle(record, result, lang, now) : { ...record, state: 'waiting' };
    });
    sent += pending.length;
    onProgress();
  }
}
