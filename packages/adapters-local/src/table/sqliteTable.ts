/**
 * The Table port on SQLite (better-sqlite3): the local stand-in for the DynamoDB table.
 *
 *     readings(device_id, ts, item)  PRIMARY KEY (device_id, ts)   every reading, upserted
 *     latest(device_id, ts, item)    PRIMARY KEY (device_id)       one record per device
 *
 * `item` is the item as JSON, exactly as given. The latest-state record moves only forward, by
 * one conditional upsert that SQLite applies atomically:
 *
 *     INSERT INTO latest … ON CONFLICT (device_id) DO UPDATE … WHERE excluded.ts > latest.ts
 *
 *     consumer A  reads t=5 ─┐                        ┌─ upsert t=5: WHERE 5 > 7 false → kept t=7
 *     consumer B  reads t=7 ─┴─ upsert t=7: written ──┘
 *
 * There is no read-then-write window: a late, older reading (a retry, a replay, a second
 * consumer) can never overwrite a newer state. `ts` compares as text (SQLite's BINARY
 * collation, bytewise UTF-8), as the canonical sortable timestamps are ASCII.
 *
 * Each write (a put, a batch, a conditional put) is all or nothing: nothing is ever left
 * unprocessed. Writes issued in the same turn of the event loop share one transaction and one
 * COMMIT (groupCommit.ts), and each resolves only once that COMMIT returned; reads commit what
 * is pending first. Limits: DynamoDB's 400 KB per item (so what works here works on AWS), 500
 * items per call (SQLite has no such limit; bigger transactions mean fewer fsyncs).
 */
import {
  type BatchLimits,
  type BatchProfile,
  type ConditionalPutResult,
  type Item,
  Poison,
  plainTableOf,
  Table,
  type TableError,
  type TableKey,
  type TimeRange,
} from "@sluice/core"
import { Effect, Layer, type Scope } from "effect"
import { GroupCommit } from "./groupCommit.ts"
import { openSqlite, type SqliteDatabase, type SqliteFileOptions, sqliteError } from "./sqliteDatabase.ts"
import { type WalSync, walSync } from "./walSync.ts"

/** 400 KB per item: DynamoDB's item size limit, kept so local behaves as AWS does. */
export const sqliteTableLimits: BatchProfile = {
  name: "sqlite-table",
  maxCount: 500,
  maxBytes: 16 * 1024 * 1024,
  maxRecordBytes: 400 * 1024,
}

export type SqliteTableOptions = (SqliteFileOptions | { readonly database: SqliteDatabase }) & {
  readonly limits?: BatchLimits
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS readings (
  device_id TEXT NOT NULL,
  ts TEXT NOT NULL,
  item TEXT NOT NULL,
  PRIMARY KEY (device_id, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS latest (
  device_id TEXT NOT NULL PRIMARY KEY,
  ts TEXT NOT NULL,
  item TEXT NOT NULL
) WITHOUT ROWID;
`

const parseItems = (rows: ReadonlyArray<unknown>): ReadonlyArray<Item> =>
  rows.map((row) => JSON.parse((row as { item: string }).item) as Item)

/** The service over an open database (which the caller closes). */
export const makeService = (
  db: SqliteDatabase,
  limits: BatchLimits = sqliteTableLimits,
  /** Given, writes resolve after it made their COMMIT durable (the connection runs NORMAL). */
  syncWal?: () => Promise<void>,
): Table["Service"] => {
  db.exec(SCHEMA)
  const upsertReading = db.prepare(
    "INSERT INTO readings (device_id, ts, item) VALUES (?, ?, ?) ON CONFLICT (device_id, ts) DO UPDATE SET item = excluded.item",
  )
  const upsertLatestIfNewer = db.prepare(
    "INSERT INTO latest (device_id, ts, item) VALUES (?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET ts = excluded.ts, item = excluded.item WHERE excluded.ts > latest.ts",
  )
  const selectReading = db.prepare("SELECT item FROM readings WHERE device_id = ? AND ts = ?")
  const selectRange = db.prepare(
    "SELECT item FROM readings WHERE device_id = ? AND ts >= ? AND (? IS NULL OR ts <= ?) ORDER BY ts",
  )
  const selectAll = db.prepare("SELECT item FROM readings ORDER BY device_id, ts")
  const selectLatest = db.prepare("SELECT item FROM latest WHERE device_id = ?")
  const selectAllLatest = db.prepare("SELECT item FROM latest ORDER BY device_id")

  const group = new GroupCommit(db, syncWal)
  // Reads first commit what is pending, so they never see a write that is not yet durable.
  const attempt = <A>(doing: string, body: () => A): Effect.Effect<A, TableError> =>
    Effect.try({
      try: () => {
        group.flush()
        return body()
      },
      catch: (error) => sqliteError(error, doing),
    })

  const encode = (item: Item): string => {
    const json = JSON.stringify(item)
    // UTF-8 takes at most 3 bytes per UTF-16 unit: count the bytes only when that bound could break the limit.
    if (json.length * 3 <= limits.maxRecordBytes) return json
    const bytes = Buffer.byteLength(json, "utf8")
    if (bytes > limits.maxRecordBytes)
      throw new Poison({
        reason: `item is ${bytes} bytes, over the ${limits.maxRecordBytes}-byte limit per item`,
      })
    return json
  }
  const passPoison = (error: unknown, doing: string) =>
    error instanceof Poison ? error : sqliteError(error, doing)

  /** A write in the open group: resolves once its COMMIT returned. */
  const write = <A>(doing: string, body: () => A): Effect.Effect<A, TableError> =>
    Effect.tryPromise({
      try: () => group.write(body),
      catch: (error) => passPoison(error, doing),
    })

  const put = (item: Item) =>
    Effect.suspend(() => {
      let json: string
      try {
        json = encode(item)
      } catch (error) {
        return Effect.fail(passPoison(error, "put"))
      }
      return write("put", () => {
        upsertReading.run(item.deviceId, item.ts, json)
      })
    })

  const unprocessed = { unprocessed: [] as ReadonlyArray<Item> }
  const batchWrite = (items: ReadonlyArray<Item>) =>
    Effect.suspend(() => {
      let encoded: string[]
      try {
        if (items.length > limits.maxCount)
          throw new Poison({
            reason: `batch of ${items.length} items exceeds the limit of ${limits.maxCount}`,
          })
        encoded = items.map(encode)
      } catch (error) {
        return Effect.fail(passPoison(error, "batch write"))
      }
      return write("batch write", () => {
        for (let i = 0; i < items.length; i++) {
          const item = items[i] as Item
          upsertReading.run(item.deviceId, item.ts, encoded[i])
        }
        return unprocessed
      })
    })

  const putLatestIfNewer = (item: Item) =>
    Effect.suspend(() => {
      let json: string
      try {
        json = encode(item)
      } catch (error) {
        return Effect.fail(passPoison(error, "conditional put of the latest state"))
      }
      // Inside the group's transaction, so the `existing` we report is the record that beat this one.
      return write("conditional put of the latest state", (): ConditionalPutResult => {
        if (upsertLatestIfNewer.run(item.deviceId, item.ts, json).changes > 0) return { written: true }
        const row = selectLatest.get(item.deviceId) as { item: string } | undefined
        return { written: false, existing: row === undefined ? undefined : (JSON.parse(row.item) as Item) }
      })
    })

  closers.set(db, () => group.flush())
  return Table.of({
    limits,
    put,
    batchWrite,
    putLatestIfNewer,
    get: ({ deviceId, ts }: TableKey) =>
      attempt("get", () => {
        const row = selectReading.get(deviceId, ts) as { item: string } | undefined
        return row === undefined ? undefined : (JSON.parse(row.item) as Item)
      }),
    query: (deviceId: string, range: TimeRange = {}) =>
      attempt("query", () =>
        parseItems(selectRange.all(deviceId, range.from ?? "", range.to ?? null, range.to ?? null)),
      ),
    scan: () => attempt("scan", () => parseItems(selectAll.all())),
    getLatest: (deviceId: string) =>
      attempt("get latest", () => {
        const row = selectLatest.get(deviceId) as { item: string } | undefined
        return row === undefined ? undefined : (JSON.parse(row.item) as Item)
      }),
    scanLatest: () => attempt("scan latest", () => parseItems(selectAllLatest.all())),
  })
}

/** Commits a database's pending group before it closes (closing would roll it back). */
const closers = new WeakMap<SqliteDatabase, () => void>()

interface Opened {
  readonly db: SqliteDatabase
  readonly owned: boolean
  readonly wal?: WalSync
}

/**
 * A file opened here with FULL durability runs NORMAL, and the group commit fdatasyncs its WAL
 * off the event loop instead (decision 0902); a database handed in is used as it is.
 */
const openFor = (options: SqliteTableOptions): Opened => {
  if ("database" in options) return { db: options.database, owned: false }
  if (options.path === ":memory:" || options.synchronous === "NORMAL")
    return { db: openSqlite(options), owned: true }
  const db = openSqlite({ ...options, synchronous: "NORMAL" })
  return { db, owned: true, wal: walSync(`${options.path}-wal`) }
}

const serviceOf = (opened: Opened, limits: BatchLimits | undefined) =>
  makeService(opened.db, limits, opened.wal?.sync)

const closeOpened = ({ db, owned, wal }: Opened) => {
  closers.get(db)?.()
  if (owned) db.close()
  wal?.close()
}

/** Opens the table for the scope's lifetime (closing the file it opened). */
export const make = (options: SqliteTableOptions): Effect.Effect<Table["Service"], TableError, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.try({ try: () => openFor(options), catch: (error) => sqliteError(error, "open") }),
      (opened) => Effect.sync(() => closeOpened(opened)),
    ),
    (opened) => serviceOf(opened, options.limits),
  )

export const layer = (options: SqliteTableOptions): Layer.Layer<Table, TableError> =>
  Layer.effect(Table, make(options))

/**
 * A SQLite table with plain-Promise methods (`scan(): Promise<Item[]>` and the rest), which the
 * handlers accept directly: `kinesisConsumer({ table: sqliteTable({ path }) })`. Close it when
 * done.
 */
export const sqliteTable = (options: SqliteTableOptions) => {
  const opened = openFor(options)
  const service = serviceOf(opened, options.limits)
  return { ...plainTableOf(service), database: opened.db, close: () => closeOpened(opened) }
}
export type SqliteTable = ReturnType<typeof sqliteTable>
