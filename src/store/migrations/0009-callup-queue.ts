import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Call-up questions are no longer written to the outbox when people are chosen: a call-up's start (or
 * a wave) writes one recipient row per person, and the dispatcher turns the next few into outbox
 * messages when it has room to send them (services/callups/callup-sending.ts). The partial index holds
 * the recipients still waiting for their message, per call-up in the order they were chosen (ids are
 * time-ordered), and empties as they are sent.
 *
 * `callup_recipients_volunteer` (volunteer_id, state) goes: every query that used it now names the
 * call-ups it looks at, so the unique key (callup_id, volunteer_id) serves it, and a recipient row costs
 * one random-key index entry fewer. The phone index becomes (callup_id, phone_hash): an answer looks
 * among the live call-ups only, and a new call-up's rows go into a key range of their own instead of
 * among the rows of every earlier call-up (which made each start slower than the one before).
 */
export const migration0009: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create index callup_recipients_unsent on callup_recipients (callup_id, id) where outbox_id is null and state = 'asked'`.execute(db);
    await db.schema.dropIndex('callup_recipients_volunteer').execute();
    await db.schema.dropIndex('callup_recipients_phone').execute();
    await db.schema.createIndex('callup_recipients_callup_phone').on('callup_recipients').columns(['callup_id', 'phone_hash']).execute();
  },
};
