/**
 * A Sluice Table on PostgreSQL, written the way a user would write their own sink: a plain
 * object implementing `PlainTable` from @sluice/core, over any `pg` Pool or Client, with no
 * Effect in sight. Pass it to the handlers as `kinesisConsumer({ table: postgresTable({ pool }) })`.
 *
 * Two tables (see `createTables`): `readings (device_id, ts, item jsonb)` keyed by
 * (device_id, ts), and `latest_state (device_id, ts, item jsonb)` keyed by device_id. Keys use
 * the "C" collation, so rows sort by code point — the order Sluice's other tables use — whatever
 * the database's locale. Items are stored whole as jsonb and come back as written (jsonb keeps
 * numbers as exact decimals; it refuses "\u0000" in strings, which makes such an item Poison).
 *
 * The latest-state record moves only forward, in one statement:
 *
 *     INSERT … ON CONFLICT (device_id) DO UPDATE SET … WHERE latest_state.ts < EXCLUDED.ts
 *
 * PostgreSQL locks the conflicting row before checking the WHERE, so two concurrent writers
 * cannot both win, and an older reading can never overwrite a newer one:
 *
 *     writer A (t1, a retry)               writer B (t2)
 *                                          INSERT t2 → no row yet: inserted
 *     INSERT t1 → conflict, row locked,
 *       WHERE t2 < t1 is false → no update, RETURNING nothing → { written: false, existing: t2 }
 *
 * Batches are one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE` statement: three
 * parameters however many rows, and all or nothing, so `unprocessed` is always empty.
 */
import type {
  BatchWriteResult,
  ConditionalPutResult,
  Item,
  PlainTable,
  TableKey,
  TimeRange,
} from "@sluice/core"
import { classifyPgError } from "./postgresErrors.ts"

/** What the table needs of `pg`: a Pool, a Client, or anything with the same `query`. */
export interface Queryable {
  query(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Array<Record<string, unknown>>; rowCount: number | null }>
}

export interface PostgresTableOptions {
  readonly pool: Queryable
  /** Readings table, optionally schema-qualified. Default `readings`. */
  readonly readingsTable?: string
  /** Latest-state table, optionally schema-qualified. Default `latest_state`. */
  readonly latestTable?: string
}

/** Quotes a possibly schema-qualified name: `a.b` → `"a"."b"`. */
export const quoteName = (name: string): string =>
  name
    .split(".")
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join(".")

/** Creates both tables if they do not exist. */
export const createTables = async (pool: Queryable, options: Omit<PostgresTableOptions, "pool"> = {}) => {
  const readings = quoteName(options.readingsTable ?? "readings")
  const latest = quoteName(options.latestTable ?? "latest_state")
  await pool.query(`CREATE TABLE IF NOT EXISTS ${readings} (
    device_id text COLLATE "C" NOT NULL,
    ts text COLLATE "C" NOT NULL,
    item jsonb NOT NULL,
    PRIMARY KEY (device_id, ts))`)
  await pool.query(`CREATE TABLE IF NOT EXISTS ${latest} (
    device_id text COLLATE "C" PRIMARY KEY,
    ts text COLLATE "C" NOT NULL,
    item jsonb NOT NULL)`)
}

const MiB = 1024 * 1024

export const postgresTable = (options: PostgresTableOptions): PlainTable => {
  const { pool } = options
  const readings = quoteName(options.readingsTable ?? "readings")
  const latest = quoteName(options.latestTable ?? "latest_state")

  // Every failure leaves as one of Sluice's four error classes.
  const query = async (what: string, text: string, values: unknown[] = []) => {
    try {
      return await pool.query(text, values)
    } catch (error) {
      throw classifyPgError(error, what)
    }
  }
  const items = (rows: Array<Record<string, unknown>>) => rows.map((row) => row.item as Item)
  const getLatest = async (deviceId: string): Promise<Item | undefined> => {
    const { rows } = await query("getLatest", `SELECT item FROM ${latest} WHERE device_id = $1`, [deviceId])
    return items(rows)[0]
  }

  return {
    // A batch is one statement; these bounds keep it a reasonable size (jsonb takes far more).
    limits: { maxCount: 1000, maxBytes: 16 * MiB, maxRecordBytes: 1 * MiB },

    async put(item: Item): Promise<void> {
      await query(
        "put",
        `INSERT INTO ${readings} (device_id, ts, item) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (device_id, ts) DO UPDATE SET item = EXCLUDED.item`,
        [item.deviceId, item.ts, JSON.stringify(item)],
      )
    },

    async batchWrite(batch: ReadonlyArray<Item>): Promise<BatchWriteResult> {
      // ON CONFLICT cannot touch one row twice in a statement: keep the last item per key.
      const unique = [...new Map(batch.map((item) => [`${item.deviceId}\u0000${item.ts}`, item])).values()]
      if (unique.length > 0) {
        await query(
          "batchWrite",
          `INSERT INTO ${readings} (device_id, ts, item)
           SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
           ON CONFLICT (device_id, ts) DO UPDATE SET item = EXCLUDED.item`,
          [unique.map((i) => i.deviceId), unique.map((i) => i.ts), unique.map((i) => JSON.stringify(i))],
        )
      }
      return { unprocessed: [] }
    },

    async get({ deviceId, ts }: TableKey): Promise<Item | undefined> {
      const { rows } = await query("get", `SELECT item FROM ${readings} WHERE device_id = $1 AND ts = $2`, [
        deviceId,
        ts,
      ])
      return items(rows)[0]
    },

    async query(deviceId: string, range: TimeRange = {}): Promise<ReadonlyArray<Item>> {
      const { rows } = await query(
        "query",
        `SELECT item FROM ${readings}
         WHERE device_id = $1 AND ($2::text IS NULL OR ts >= $2) AND ($3::text IS NULL OR ts <= $3)
         ORDER BY ts`,
        [deviceId, range.from ?? null, range.to ?? null],
      )
      return items(rows)
    },

    async scan(): Promise<ReadonlyArray<Item>> {
      return items((await query("scan", `SELECT item FROM ${readings} ORDER BY device_id, ts`)).rows)
    },

    async putLatestIfNewer(item: Item): Promise<ConditionalPutResult> {
      const { rowCount } = await query(
        "putLatestIfNewer",
        `INSERT INTO ${latest} AS current (device_id, ts, item) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (device_id) DO UPDATE SET ts = EXCLUDED.ts, item = EXCLUDED.item
         WHERE current.ts < EXCLUDED.ts`,
        [item.deviceId, item.ts, JSON.stringify(item)],
      )
      if (rowCount === 1) return { written: true }
      // Lost to a record at least as new; it only moves forward, so this read is never older.
      return { written: false, existing: await getLatest(item.deviceId) }
    },

    getLatest,

    async scanLatest(): Promise<ReadonlyArray<Item>> {
      return items((await query("scanLatest", `SELECT item FROM ${latest} ORDER BY device_id`)).rows)
    },
  }
}
