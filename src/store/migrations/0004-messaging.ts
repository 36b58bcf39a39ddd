import type { Kysely, Migration } from 'kysely';

/**
 * Messaging: the outbox of SMS to send (one row per message, a state machine queued -> sending ->
 * sent -> delivered | failed), inbound messages (each gateway id handled once), opt-outs (STOP) and
 * the state of SMS and USSD conversations. Phones and texts are encrypted; phones are found through
 * their blind index.
 */
export const migration0004: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      /** Makes enqueueing idempotent: the same cause (e.g. the reply to one inbound message) queues once. */
      .addColumn('dedup_key', 'text', (c) => c.unique())
      .addColumn('channel', 'text', (c) => c.notNull())
      /** 0: a reply to a person; 1: bulk (call-ups). Lower is sent first. */
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('phone_enc', 'text', (c) => c.notNull())
      .addColumn('phone_hash', 'text', (c) => c.notNull())
      .addColumn('sender', 'text')
      .addColumn('body_enc', 'text', (c) => c.notNull())
      .addColumn('encoding', 'text', (c) => c.notNull())
      .addColumn('segments', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      /** Which dispatcher holds the message while it is being sent, and until when. */
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('last_error', 'text')
      /** Last delivery report code from the gateway (1 delivered, 2 failed, 4 buffered, 8 accepted, 16 rejected). */
      .addColumn('dlr_status', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sending_at', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('delivered_at', 'text')
      .addColumn('failed_at', 'text')
      .addColumn('cancelled_at', 'text')
      .execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'priority', 'next_attempt_at']).execute();
    await db.schema.createIndex('outbox_phone').on('outbox').column('phone_hash').execute();

    await db.schema
      .createTable('inbound_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull())
      /** The gateway's own id of the message (Kannel's %I): a retry of the same message has the same id. */
      .addColumn('gateway_id', 'text', (c) => c.notNull())
      .addColumn('phone_hash', 'text', (c) => c.notNull())
      .addColumn('body_enc', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('inbound_messages_gateway_id', ['channel', 'gateway_id'])
      .execute();
    await db.schema.createIndex('inbound_messages_phone').on('inbound_messages').columns(['phone_hash', 'received_at']).execute();

    await db.schema
      .createTable('opt_outs')
      .addColumn('phone_hash', 'text', (c) => c.primaryKey())
      .addColumn('keyword', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('conversations')
      /** "sms:<phone blind index>" or "ussd:<session id>". */
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('phone_hash', 'text', (c) => c.notNull())
      /** The answers so far (names, birth year...), encrypted as one JSON document. */
      .addColumn('state_enc', 'text', (c) => c.notNull())
      /** Optimistic concurrency: an update applies only to the version it was computed from. */
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('conversations_expires').on('conversations').column('expires_at').execute();
  },
};
