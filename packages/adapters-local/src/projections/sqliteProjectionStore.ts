/**
 * The ProjectionStore port on SQLite: the local home of projections' views, states and progress
 * (by convention `<data-dir>/projections.sqlite`, WAL, as the table).
 *
 *     projection_registrations(projection PK, version, fingerprint, generation)
 *     projection_states(projection, key, revision, state)      PK (projection, key)
 *     projection_views(projection, key, value)                 PK (projection, key)
 *     projection_progress(projection, source, revision, progress)  PK (projection, source)
 *
 * Every write is one IMMEDIATE transaction, so a registration's reset (delete everything of the
 * projection, bump its generation), a commit (generation check, then per key: compare the
 * revision, write state and views) and a progress put are each atomic — and two processes (the
 * stack and `sluice replay`) serialize on SQLite's lock:
 *
 *     stack   BEGIN IMMEDIATE ─ revision(k) = 7 ✓ ─ write k @8 ─ COMMIT
 *     replay        BEGIN IMMEDIATE (waits) ────────────────────────── revision(k) = 8 ≠ 7: conflict
 *
 * States and views are stored as JSON text; keys compare bytewise (BINARY collation).
 */
import {
  type CommitResult,
  Fatal,
  type ProjectionProgress,
  type ProjectionRegistration,
  ProjectionStore,
  type ProjectionStoreError,
  type StoredState,
  type ViewRecord,
  type ViewScan,
} from "@sluice/core"
import { Effect, Layer, type Scope } from "effect"
import {
  inTransaction,
  openSource,
  type SqliteDatabase,
  type SqliteSource,
  sqliteError,
} from "../table/sqliteDatabase.ts"

export type SqliteProjectionStoreOptions = SqliteSource

const SCHEMA = `
CREATE TABLE IF NOT EXISTS projection_registrations (
  projection TEXT NOT NULL PRIMARY KEY,
  version INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  generation INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS projection_states (
  projection TEXT NOT NULL,
  key TEXT NOT NULL,
  revision INTEGER NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (projection, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS projection_views (
  projection TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (projection, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS projection_progress (
  projection TEXT NOT NULL,
  source TEXT NOT NULL,
  revision INTEGER NOT NULL,
  progress TEXT NOT NULL,
  PRIMARY KEY (projection, source)
) WITHOUT ROWID;
`

/** Above every key that starts with a prefix, for a range scan on the primary key. */
const PREFIX_END = "\u{10FFFF}"

const asError = (error: unknown, doing: string): ProjectionStoreError => {
  const mapped = sqliteError(error, doing)
  // The store has no record-level poison: a refused write means a broken store.
  return mapped._tag === "Poison" ? new Fatal({ reason: mapped.reason }) : mapped
}

export const makeService = (db: SqliteDatabase): ProjectionStore["Service"] => {
  db.exec(SCHEMA)
  const registration = db.prepare("SELECT * FROM projection_registrations WHERE projection = ?")
  const allRegistrations = db.prepare("SELECT * FROM projection_registrations ORDER BY projection")
  const upsertRegistration = db.prepare(
    `INSERT INTO projection_registrations (projection, version, fingerprint, generation) VALUES (?, ?, ?, ?)
     ON CONFLICT (projection) DO UPDATE SET version = excluded.version, fingerprint = excluded.fingerprint, generation = excluded.generation`,
  )
  const dropStates = db.prepare("DELETE FROM projection_states WHERE projection = ?")
  const dropViews = db.prepare("DELETE FROM projection_views WHERE projection = ?")
  const dropProgress = db.prepare("DELETE FROM projection_progress WHERE projection = ?")
  const selectState = db.prepare(
    "SELECT revision, state FROM projection_states WHERE projection = ? AND key = ?",
  )
  const upsertState = db.prepare(
    `INSERT INTO projection_states (projection, key, revision, state) VALUES (?, ?, ?, ?)
     ON CONFLICT (projection, key) DO UPDATE SET revision = excluded.revision, state = excluded.state`,
  )
  const upsertView = db.prepare(
    `INSERT INTO projection_views (projection, key, value) VALUES (?, ?, ?)
     ON CONFLICT (projection, key) DO UPDATE SET value = excluded.value`,
  )
  const selectView = db.prepare("SELECT value FROM projection_views WHERE projection = ? AND key = ?")
  const selectProgress = db.prepare(
    "SELECT progress FROM projection_progress WHERE projection = ? ORDER BY source",
  )
  const progressRevision = db.prepare(
    "SELECT revision FROM projection_progress WHERE projection = ? AND source = ?",
  )
  const upsertProgress = db.prepare(
    `INSERT INTO projection_progress (projection, source, revision, progress) VALUES (?, ?, ?, ?)
     ON CONFLICT (projection, source) DO UPDATE SET revision = excluded.revision, progress = excluded.progress`,
  )
  const scans = new Map<string, ReturnType<SqliteDatabase["prepare"]>>()
  const scanStatement = (descending: boolean, after: boolean) => {
    const id = `${descending}/${after}`
    let statement = scans.get(id)
    if (statement === undefined) {
      const order = descending ? "DESC" : "ASC"
      const bound = after ? (descending ? "AND key < @after" : "AND key > @after") : ""
      statement = db.prepare(
        `SELECT key, value FROM projection_views WHERE projection = @projection AND key >= @from AND key < @to
         AND substr(key, 1, length(@prefix)) = @prefix ${bound} ORDER BY key ${order} LIMIT @limit`,
      )
      scans.set(id, statement)
    }
    return statement
  }

  const attempt = <A>(doing: string, body: () => A): Effect.Effect<A, ProjectionStoreError> =>
    Effect.try({ try: body, catch: (error) => asError(error, doing) })
  const generationOf = (projection: string) =>
    (registration.get(projection) as ProjectionRegistration | undefined)?.generation

  return ProjectionStore.of({
    registrations: () =>
      attempt("list registrations", () => allRegistrations.all() as ProjectionRegistration[]),
    register: (wanted, options = {}) =>
      attempt("register a projection", () =>
        inTransaction(db, () => {
          const known = registration.get(wanted.projection) as ProjectionRegistration | undefined
          if (
            known !== undefined &&
            options.reset !== true &&
            known.version === wanted.version &&
            known.fingerprint === wanted.fingerprint
          )
            return known
          const next = { ...wanted, generation: (known?.generation ?? 0) + 1 }
          dropStates.run(wanted.projection)
          dropViews.run(wanted.projection)
          dropProgress.run(wanted.projection)
          upsertRegistration.run(next.projection, next.version, next.fingerprint, next.generation)
          return next
        }),
      ),
    states: (projection, keys) =>
      attempt("read states", () => {
        const found = new Map<string, StoredState>()
        for (const key of keys) {
          const row = selectState.get(projection, key) as { revision: number; state: string } | undefined
          if (row === undefined) continue
          const { state, positions } = JSON.parse(row.state)
          found.set(key, { key, revision: row.revision, state, positions })
        }
        return found
      }),
    commit: (projection, generation, commits) =>
      attempt("commit states and views", () =>
        inTransaction(db, (): CommitResult => {
          if (generationOf(projection) !== generation) return { _tag: "Stale" }
          const conflicts: string[] = []
          for (const commit of commits) {
            if (commit.state !== undefined) {
              const row = selectState.get(projection, commit.key) as { revision: number } | undefined
              const revision = row?.revision ?? 0
              if (revision !== commit.expectedRevision) {
                conflicts.push(commit.key)
                continue
              }
              const json = JSON.stringify({ state: commit.state.value, positions: commit.state.positions })
              upsertState.run(projection, commit.key, revision + 1, json)
            }
            for (const view of commit.views) upsertView.run(projection, view.key, JSON.stringify(view.value))
          }
          return { _tag: "Committed", conflicts }
        }),
      ),
    progress: (projection) =>
      attempt("read progress", () =>
        selectProgress
          .all(projection)
          .map((row) => JSON.parse((row as { progress: string }).progress) as ProjectionProgress),
      ),
    putProgress: (projection, generation, progress) =>
      attempt("write progress", () =>
        inTransaction(db, () => {
          if (generationOf(projection) !== generation) return "stale" as const
          const row = progressRevision.get(projection, progress.source) as { revision: number } | undefined
          if (progress.revision !== (row?.revision ?? 0) + 1) return "conflict" as const
          upsertProgress.run(projection, progress.source, progress.revision, JSON.stringify(progress))
          return "written" as const
        }),
      ),
    view: (projection, key) =>
      attempt("read a view", () => {
        const row = selectView.get(projection, key) as { value: string } | undefined
        return row === undefined ? undefined : { key, value: JSON.parse(row.value) }
      }),
    views: (projection, scan: ViewScan = {}) =>
      attempt("scan views", () => {
        const prefix = scan.prefix ?? ""
        const rows = scanStatement(scan.descending === true, scan.after !== undefined).all({
          projection,
          prefix,
          from: prefix,
          to: prefix + PREFIX_END,
          limit: scan.limit ?? -1,
          ...(scan.after === undefined ? {} : { after: scan.after }),
        }) as Array<{ key: string; value: string }>
        return rows.map((row): ViewRecord => ({ key: row.key, value: JSON.parse(row.value) }))
      }),
  })
}

/** Opens the store for the scope's lifetime (closing the file it opened). */
export const make = (
  options: SqliteProjectionStoreOptions,
): Effect.Effect<ProjectionStore["Service"], ProjectionStoreError, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.try({ try: () => openSource(options), catch: (error) => asError(error, "open") }),
      ({ db, owned }) => Effect.sync(() => owned && db.close()),
    ),
    ({ db }) => makeService(db),
  )

export const layer = (
  options: SqliteProjectionStoreOptions,
): Layer.Layer<ProjectionStore, ProjectionStoreError> => Layer.effect(ProjectionStore, make(options))

/** The service over a file it opens, with `close`. */
export const sqliteProjectionStore = (options: SqliteProjectionStoreOptions) => {
  const { db, owned } = openSource(options)
  return { service: makeService(db), database: db, close: () => void (owned && db.close()) }
}
export type SqliteProjectionStore = ReturnType<typeof sqliteProjectionStore>
