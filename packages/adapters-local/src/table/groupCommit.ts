/**
 * Group commit for one SQLite connection: writes issued in the same turn of the event loop share
 * one transaction, hence one COMMIT and one WAL fsync (with `synchronous = FULL`), and each
 * write resolves only once that COMMIT returned — as durable as a transaction of its own.
 *
 *     write A ─ BEGIN IMMEDIATE, SAVEPOINT, statements, RELEASE ─┐
 *     write B ─             SAVEPOINT, statements, RELEASE ──────┼─ setImmediate: COMMIT ─ A, B resolved
 *     write C ─             SAVEPOINT, statements ✗ ROLLBACK TO ─┘  (C failed alone, at once)
 *
 * Why: better-sqlite3 is synchronous, so every COMMIT's fsync blocks the event loop, and the
 * consumer sends one conditional latest-state write per device per batch — tens of fsyncs per
 * batch, each stalling the broker and the stream log that share the loop. A savepoint per write
 * keeps each call all-or-nothing inside the shared transaction; a failed COMMIT rolls the group
 * back and fails every write in it (Retryable), none of which had been reported written.
 *
 * Durability off the event loop: given `syncWal`, the connection runs with `synchronous =
 * NORMAL` (COMMIT writes the WAL without an fsync) and the group's writers resolve only after
 * `syncWal` — an fdatasync of the WAL file on libuv's threadpool — returned. That is the very
 * fsync FULL would make inside COMMIT, with the loop free while it runs (decision 0902).
 *
 * `flush()` commits at once: reads call it first, so they never see a write that is not yet
 * durable (nor hold the write lock open across a read), and `close()` calls it so nothing
 * pending is rolled back by closing. While a group is open the connection holds the write lock,
 * for at most one turn of the loop; other connections wait for it under `busy_timeout`. A
 * connection of this same process could never get it that way (the holder commits on this very
 * thread, which the wait blocks), so a group about to BEGIN first commits every other group open
 * in the process.
 */
import type { SqliteDatabase, SqliteStatement } from "./sqliteDatabase.ts"

interface Waiter {
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

/** Groups open in this process: any may hold the write lock another connection here needs. */
const openGroups = new Set<GroupCommit>()

export class GroupCommit {
  private open = false
  private scheduled = false
  private waiters: Waiter[] = []
  readonly stats = { commits: 0, writes: 0 }
  // Prepared once: `exec` would parse the SQL again for each of a write's three statements.
  private readonly begin: SqliteStatement
  private readonly commit: SqliteStatement
  private readonly savepoint: SqliteStatement
  private readonly release: SqliteStatement
  private readonly rollbackTo: SqliteStatement

  constructor(
    private readonly db: SqliteDatabase,
    /** Makes every committed group durable (the WAL's fdatasync); absent when COMMIT itself syncs. */
    private readonly syncWal?: () => Promise<void>,
  ) {
    this.begin = db.prepare("BEGIN IMMEDIATE")
    this.commit = db.prepare("COMMIT")
    this.savepoint = db.prepare("SAVEPOINT sluice_write")
    this.release = db.prepare("RELEASE sluice_write")
    this.rollbackTo = db.prepare("ROLLBACK TO sluice_write")
  }

  /**
   * Runs `body` (synchronous statements) in the open group, all or nothing; resolves with its
   * result once the group's COMMIT returned. A throw from `body` (or from BEGIN, e.g. a lock
   * held past the busy timeout) rejects at once and leaves the rest of the group alone.
   */
  write<A>(body: () => A): Promise<A> {
    try {
      if (!this.open) {
        for (const other of openGroups) other.flush()
        this.begin.run()
        this.open = true
        openGroups.add(this)
        this.schedule()
      }
      this.savepoint.run()
      let result: A
      try {
        result = body()
      } catch (error) {
        try {
          this.rollbackTo.run()
          this.release.run()
        } catch {
          // SQLite rolled the whole transaction back (it may on I/O errors or a full disk): the
          // group is gone, and every write in it fails with this error.
          this.abort(error)
        }
        throw error
      }
      this.release.run()
      this.stats.writes++
      return new Promise<A>((resolve, reject) => {
        this.waiters.push({ resolve: () => resolve(result), reject })
      })
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** Commits the open group now (no-op when none is open). */
  flush(): void {
    if (!this.open) return
    const waiters = this.waiters
    this.waiters = []
    this.open = false
    openGroups.delete(this)
    try {
      this.commit.run()
    } catch (error) {
      try {
        this.db.exec("ROLLBACK")
      } catch {
        // SQLite may have rolled back already (it does on some I/O errors).
      }
      for (const waiter of waiters) waiter.reject(error)
      return
    }
    this.stats.commits++
    if (this.syncWal === undefined) {
      for (const waiter of waiters) waiter.resolve()
      return
    }
    this.syncWal().then(
      () => {
        for (const waiter of waiters) waiter.resolve()
      },
      (error: unknown) => {
        // Committed but maybe not durable: the writers retry (every write here is an idempotent upsert).
        for (const waiter of waiters) waiter.reject(error)
      },
    )
  }

  /** Ends an open group whose transaction is gone, failing its writers. */
  private abort(error: unknown): void {
    const waiters = this.waiters
    this.waiters = []
    this.open = false
    openGroups.delete(this)
    try {
      this.db.exec("ROLLBACK")
    } catch {
      // Already rolled back.
    }
    for (const waiter of waiters) waiter.reject(error)
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    // After the current turn's I/O callbacks and microtasks: concurrent writers join first.
    setImmediate(() => {
      this.scheduled = false
      this.flush()
    })
  }
}
