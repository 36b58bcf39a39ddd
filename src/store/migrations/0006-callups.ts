import type { Kysely, Migration } from 'kysely';

/**
 * Call-ups: a request for people (needs per role and optional skill, each with a count) in some
 * areas, the people asked (one row per person and call-up: nobody is asked twice), and per volunteer
 * when they were last asked and last served, for the rotation. `callup_needs.confirmed` is the fill
 * counter: a yes is counted by a conditional update of it, never above `count`.
 */
export const migration0006: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('callups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      /** JSON array of P-codes, any level of the hierarchy. */
      .addColumn('areas', 'text', (c) => c.notNull())
      .addColumn('report_place', 'text', (c) => c.notNull())
      .addColumn('report_at', 'text', (c) => c.notNull())
      .addColumn('answer_by', 'text', (c) => c.notNull())
      /** JSON object: language code -> message template with placeholders. */
      .addColumn('texts', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('over_ask', 'real', (c) => c.notNull())
      .addColumn('wave_timeout_minutes', 'integer', (c) => c.notNull())
      .addColumn('wave', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('wave_started_at', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('filled_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('cancelled_at', 'text')
      .execute();
    await db.schema.createIndex('callups_status').on('callups').columns(['status', 'created_at']).execute();

    await db.schema
      .createTable('callup_needs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('callup_id', 'text', (c) => c.notNull().references('callups.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('skill', 'text')
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('confirmed', 'integer', (c) => c.notNull().defaultTo(0))
      .addUniqueConstraint('callup_needs_position', ['callup_id', 'position'])
      .execute();

    await db.schema
      .createTable('callup_recipients')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('callup_id', 'text', (c) => c.notNull().references('callups.id').onDelete('cascade'))
      .addColumn('need_id', 'text', (c) => c.notNull().references('callup_needs.id').onDelete('cascade'))
      .addColumn('volunteer_id', 'text', (c) => c.notNull())
      /** Blind index of the phone the message went to: an inbound reply finds its call-up by it. */
      .addColumn('phone_hash', 'text', (c) => c.notNull())
      .addColumn('area', 'text', (c) => c.notNull())
      .addColumn('wave', 'integer', (c) => c.notNull())
      /** asked, delivered, yes, no, no_answer, standby, cancelled. */
      .addColumn('state', 'text', (c) => c.notNull())
      /** The letter to answer with ("A YES") when the person has several open call-ups. */
      .addColumn('letter', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('outbox_id', 'text')
      .addColumn('clarified', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('asked_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('callup_recipients_once', ['callup_id', 'volunteer_id'])
      .execute();
    await db.schema.createIndex('callup_recipients_phone').on('callup_recipients').columns(['phone_hash', 'state']).execute();
    await db.schema.createIndex('callup_recipients_need').on('callup_recipients').columns(['need_id', 'state']).execute();
    await db.schema.createIndex('callup_recipients_volunteer').on('callup_recipients').columns(['volunteer_id', 'state']).execute();

    await db.schema
      .createTable('callup_rotation')
      .addColumn('volunteer_id', 'text', (c) => c.primaryKey())
      .addColumn('last_asked_at', 'text')
      .addColumn('last_served_at', 'text')
      .execute();
  },
};
