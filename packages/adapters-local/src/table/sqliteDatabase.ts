/**
 * What the SQLite adapters need of a database, and how they open one.
 *
 * `SqliteDatabase` is the minimal structural slice of better-sqlite3's `Database` the adapters
 * call (as Kysely types its SQLite driver), so a test or an application can hand in its own
 * connection. `openSqlite` opens a file the way the adapters want it:
 * - WAL journal: readers (`sluice table scan`) never block the writer, and the writer never
 *   blocks them;
 * - `synchronous = FULL` by default: a committed write survives a power cut, because the
 *   event-source-mapping runner checkpoints the stream right after the handler's writes return
 *   — a write lost after its checkpoint would be lost for good. NORMAL is the faster choice when
 *   losing the last moments on power loss (never on a process crash) is acceptable;
 * - `busy_timeout` so a second process (the CLI next to `sluice up`) waits for a lock instead of
 *   failing at once; a lock still held after it surfaces as Throttled, to be retried.
 *
 * `sqliteError` maps SQLite result codes onto the four delivery errors.
 */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { Fatal, Poison, Retryable, Throttled } from "@sluice/core"
import Database from "better-sqlite3"

export interface SqliteStatement {
  run(...params: ReadonlyArray<unknown>): { readonly changes: number }
  get(...params: ReadonlyArray<unknown>): unknown
  all(...params: ReadonlyArray<unknown>): Array<unknown>
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement
  exec(sql: string): unknown
  close(): unknown
}

export type Synchronous = "FULL" | "NORMAL"

export interface SqliteFileOptions {
  /** The database file (its directory is created); ":memory:" for a private in-memory one. */
  readonly path: string
  readonly synchronous?: Synchronous
  /** How long to wait for another connection's lock. Default 5 s. */
  readonly busyTimeoutMs?: number
  /**
   * The connection's page cache, in KiB. Default: better-sqlite3's 16,000 KiB — which the cache
   * fills as the file grows, so a long-running process's memory rises by up to that much per
   * connection before it levels off. A process that must stay small sets less.
   */
  readonly cacheKiB?: number
}

export const openSqlite = (options: SqliteFileOptions): SqliteDatabase => {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true })
  const db = new Database(options.path)
  try {
    db.pragma("journal_mode = WAL")
    db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`)
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5_000}`)
    if (options.cacheKiB !== undefined) {
      if (!Number.isSafeInteger(options.cacheKiB) || options.cacheKiB < 64)
        throw new RangeError(`cacheKiB must be a whole number of KiB ≥ 64, got ${options.cacheKiB}`)
      db.pragma(`cache_size = -${options.cacheKiB}`)
    }
  } catch (error) {
    db.close()
    throw error
  }
  return db as unknown as SqliteDatabase
}

/** A connection handed in (used as it is, never closed here) or opened from a file (closed by its opener). */
export type SqliteSource = SqliteFileOptions | { readonly database: SqliteDatabase }

/** The connection of a source, and whether this opener owns (and must close) it. */
export const openSource = (source: SqliteSource): { db: SqliteDatabase; owned: boolean } =>
  "database" in source ? { db: source.database, owned: false } : { db: openSqlite(source), owned: true }

/** Runs `body` in one IMMEDIATE transaction (takes the write lock up front: no upgrade deadlock). */
export const inTransaction = <A>(db: SqliteDatabase, body: () => A): A => {
  db.exec("BEGIN IMMEDIATE")
  try {
    const result = body()
    db.exec("COMMIT")
    return result
  } catch (error) {
    try {
      db.exec("ROLLBACK")
    } catch {
      // The transaction may already be gone (SQLite rolls back on some errors itself).
    }
    throw error
  }
}

/** The delivery error a SQLite failure means. */
export const sqliteError = (error: unknown, doing: string): Retryable | Throttled | Fatal | Poison => {
  const code = String((error as { code?: unknown }).code ?? "")
  const reason = `SQLite ${doing}: ${error instanceof Error ? error.message : String(error)}${code ? ` (${code})` : ""}`
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return new Throttled({ reason })
  if (code === "SQLITE_TOOBIG") return new Poison({ reason })
  if (
    code === "SQLITE_FULL" ||
    code.startsWith("SQLITE_IOERR") ||
    code === "SQLITE_NOMEM" ||
    code === "SQLITE_INTERRUPT"
  )
    return new Retryable({ reason, cause: error })
  return new Fatal({ reason, cause: error })
}
