import { CompiledQuery, type Kysely } from 'kysely';
import type { MusterSchema } from './schema.ts';
import { statementChunks } from './statement-chunks.ts';

type TableName = keyof MusterSchema;
type Row<T extends TableName> = MusterSchema[T];

export interface PrecompiledInsertOptions {
  /** Rows per statement (the last statements of a call are smaller: see statementChunks). */
  rowsPerStatement: number;
  /** `on conflict do nothing`: rows colliding with a unique key are skipped. */
  skipConflicts?: boolean;
  /** Column whose values come back for the rows actually inserted. */
  returning?: string;
}

/**
 * A multi-row insert whose SQL is built by Kysely once per number of rows and database, then reused
 * with new parameters. Kysely otherwise parses and compiles the whole statement (thousands of
 * parameters for a chunk of volunteers) on every call, which costs more than SQLite takes to run it;
 * the hot inserts of a large import go through this instead. Both databases, same SQL as Kysely's.
 */
export function precompiledInsert<T extends TableName>(table: T, columns: ReadonlyArray<keyof Row<T> & string>, options: PrecompiledInsertOptions) {
  /** SQL text by database adapter and number of rows. */
  const compiled = new Map<string, string>();

  function sqlFor(db: Kysely<MusterSchema>, rows: number): string {
    const key = `${db.getExecutor().adapter.constructor.name}:${rows}`;
    let text = compiled.get(key);
    if (text === undefined) {
      // Placeholder rows: every column given, so each value becomes one parameter in column order.
      const placeholder = Object.fromEntries(columns.map((c) => [c, null]));
      let query = db.insertInto(table).values(Array.from({ length: rows }, () => placeholder) as never);
      if (options.skipConflicts) query = query.onConflict((oc) => oc.doNothing());
      const built = options.returning ? query.returning(options.returning as never).compile() : query.compile();
      if (built.parameters.length !== rows * columns.length) throw new Error(`precompiled insert into ${table}: unexpected parameters`);
      text = built.sql;
      compiled.set(key, text);
    }
    return text;
  }

  return {
    /** Inserts the rows; returns the `returning` column of those inserted (empty without `returning`). */
    async run(db: Kysely<MusterSchema>, rows: ReadonlyArray<Row<T>>): Promise<unknown[]> {
      const returned: unknown[] = [];
      for (const chunk of statementChunks(rows, options.rowsPerStatement)) {
        const parameters: unknown[] = new Array(chunk.length * columns.length);
        let at = 0;
        for (const row of chunk) for (const column of columns) parameters[at++] = row[column] ?? null;
        const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(sqlFor(db, chunk.length), parameters));
        if (options.returning) for (const r of result.rows) returned.push(r[options.returning]);
      }
      return returned;
    },
  };
}
