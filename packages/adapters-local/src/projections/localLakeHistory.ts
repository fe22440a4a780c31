/**
 * The local data lake as history for `replayLake` (core): its data objects in key order, each
 * read back as the stored items it holds.
 *
 * - `.gz` objects are JSON lines — each line the stored item `{ ...fields, deviceId, ts }` — read
 *   with zlib, line by line; a line that is not a JSON object is `undefined` (counted as invalid).
 * - `.parquet` files (written by `sluice lake compact`) are read with DuckDB; their columns are the
 *   lake view's, so a field a reading did not have comes back as null and is left out, and the
 *   Hive partition columns are not read. Each names the objects it replaced, and the listing
 *   reports them (`replaces`) so a replay neither applies both nor loses either.
 *
 * An object that vanishes between the listing and the read (compaction ran meanwhile) fails the
 * read as Retryable: the replay stops, and the next one lists again — never skipping it silently.
 */

import { readFile } from "node:fs/promises"
import { gunzipSync } from "node:zlib"
import { DuckDBInstance } from "@duckdb/node-api"
import { Fatal, type Item, type LakeHistory, type LakeObject, Retryable } from "@sluice/core"
import { Effect } from "effect"
import { rowToJson } from "../query/duckValues.ts"
import { listLakeFiles } from "../query/lakeFiles.ts"
import { sqlString, supersededKeys } from "../query/lakeView.ts"

const failure = (error: unknown, doing: string): Retryable | Fatal => {
  const code = (error as { code?: string }).code
  const reason = `lake: ${doing}: ${error instanceof Error ? error.message : String(error)}`
  return code === "ENOENT" || code === "EBUSY" || code === "EMFILE"
    ? new Retryable({ reason, cause: error })
    : new Fatal({ reason, cause: error })
}

const itemOfLine = (line: string): Item | undefined => {
  try {
    const value = JSON.parse(line) as unknown
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Item) : undefined
  } catch {
    return undefined
  }
}

/** The lake under `lakeDir` as a LakeHistory; `close` releases its DuckDB instance. */
export const localLakeHistory = (lakeDir: string): LakeHistory & { readonly close: () => Promise<void> } => {
  let duck:
    | Promise<{ connection: Awaited<ReturnType<DuckDBInstance["connect"]>>; close: () => void }>
    | undefined
  const connection = async () => {
    duck ??= DuckDBInstance.create(":memory:").then(async (instance) => {
      const connection = await instance.connect()
      return {
        connection,
        close: () => {
          connection.closeSync()
          instance.closeSync()
        },
      }
    })
    return (await duck).connection
  }
  const paths = new Map<string, { path: string; format: "json" | "parquet" }>()

  const list = async (): Promise<ReadonlyArray<LakeObject>> => {
    const files = listLakeFiles(lakeDir)
    for (const file of files) paths.set(file.key, { path: file.path, format: file.format })
    const parquet = files.filter((f) => f.format === "parquet")
    const replacesOf = new Map<string, string[]>()
    if (parquet.length > 0) {
      const db = await connection()
      for (const file of parquet) replacesOf.set(file.key, [...(await supersededKeys(db, [file]))])
    }
    return files.map((file) => ({ key: file.key, replaces: replacesOf.get(file.key) ?? [] }))
  }

  const read = async (key: string): Promise<ReadonlyArray<Item | undefined>> => {
    const file = paths.get(key)
    if (file === undefined) throw Object.assign(new Error(`${key} was not listed`), { code: "ENOENT" })
    if (file.format === "json") {
      const text = gunzipSync(await readFile(file.path)).toString("utf8")
      return text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map(itemOfLine)
    }
    const db = await connection()
    const reader = await db.runAndReadAll(
      `SELECT * FROM read_parquet(${sqlString(file.path)}, hive_partitioning=false)`,
    )
    const columns = reader.columnNames()
    return (reader.getRowsJS() as ReadonlyArray<ReadonlyArray<unknown>>).map((row) => {
      const record = rowToJson(columns, row, new Set())
      return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null)) as Item
    })
  }

  return {
    list: () => Effect.tryPromise({ try: list, catch: (error) => failure(error, "list") }),
    read: (key) =>
      Effect.tryPromise({ try: () => read(key), catch: (error) => failure(error, `read ${key}`) }),
    close: async () => {
      if (duck !== undefined) (await duck).close()
    },
  }
}
