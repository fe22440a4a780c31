/**
 * The DeadLetters port on SQLite: one row per letter id, the letter as JSON. A put of a known
 * id replaces the letter but keeps its place (`arrival`), so a record dead-lettered again on a
 * Lambda retry still appears once, where it first appeared; `list` orders by `at`, then by
 * first arrival — as the memory adapter does.
 */
import { type DeadLetter, DeadLetters, type DeadLettersError, Fatal, plainDeadLettersOf } from "@sluice/core"
import { Effect, Layer, type Scope } from "effect"
import {
  inTransaction,
  openSource,
  type SqliteDatabase,
  type SqliteSource,
  sqliteError,
} from "./sqliteDatabase.ts"

export type SqliteDeadLettersOptions = SqliteSource

const SCHEMA = `
CREATE TABLE IF NOT EXISTS dead_letters (
  id TEXT NOT NULL PRIMARY KEY,
  at INTEGER NOT NULL,
  arrival INTEGER NOT NULL,
  letter TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_order ON dead_letters (at, arrival);
`

const asError = (error: unknown, doing: string): DeadLettersError => {
  const mapped = sqliteError(error, doing)
  // A dead-letter store cannot call a letter poison: treat that as a broken store.
  return mapped._tag === "Poison" ? new Fatal({ reason: mapped.reason }) : mapped
}

export const makeService = (db: SqliteDatabase): DeadLetters["Service"] => {
  db.exec(SCHEMA)
  const upsert = db.prepare(
    `INSERT INTO dead_letters (id, at, arrival, letter)
     VALUES (?, ?, (SELECT COALESCE(MAX(arrival), 0) + 1 FROM dead_letters), ?)
     ON CONFLICT (id) DO UPDATE SET at = excluded.at, letter = excluded.letter`,
  )
  const selectAll = db.prepare("SELECT letter FROM dead_letters ORDER BY at, arrival")
  return DeadLetters.of({
    put: (letters) =>
      Effect.try({
        try: () => {
          if (letters.length === 0) return
          inTransaction(db, () => {
            for (const letter of letters) upsert.run(letter.id, letter.at, JSON.stringify(letter))
          })
        },
        catch: (error) => asError(error, "dead-letter put"),
      }),
    list: () =>
      Effect.try({
        try: () => selectAll.all().map((row) => JSON.parse((row as { letter: string }).letter) as DeadLetter),
        catch: (error) => asError(error, "dead-letter list"),
      }),
  })
}

export const make = (
  options: SqliteDeadLettersOptions,
): Effect.Effect<DeadLetters["Service"], DeadLettersError, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.try({ try: () => openSource(options), catch: (error) => asError(error, "open") }),
      ({ db, owned }) => Effect.sync(() => owned && db.close()),
    ),
    ({ db }) => makeService(db),
  )

export const layer = (options: SqliteDeadLettersOptions): Layer.Layer<DeadLetters, DeadLettersError> =>
  Layer.effect(DeadLetters, make(options))

/** Plain-Promise facade: `sqliteDeadLetters({ path })`, with `list(): Promise<DeadLetter[]>`. */
export const sqliteDeadLetters = (options: SqliteDeadLettersOptions) => {
  const { db, owned } = openSource(options)
  return { ...plainDeadLettersOf(makeService(db)), database: db, close: () => void (owned && db.close()) }
}
export type SqliteDeadLetters = ReturnType<typeof sqliteDeadLetters>
