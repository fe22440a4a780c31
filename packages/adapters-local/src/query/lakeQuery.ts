/**
 * DuckDB over the lake: `openLake({ lakeDir })` gives `query(sql)` against the `telemetry` view.
 *
 * One DuckDB instance (in memory) per opened lake. Before each query the folder is listed and,
 * if its files changed, the view is rebuilt, so objects written since the last query are seen. A query DuckDB rejects fails with `LakeQueryError` carrying DuckDB's own
 * message. Rows come back as JSON objects (duckValues.ts); `limit` stops reading early.
 */
import { resolve, sep } from "node:path"
import { DuckDBInstance, StatementType } from "@duckdb/node-api"
import type { JsonObject } from "@sluice/core"
import { rowToJson } from "./duckValues.ts"
import { listLakeFiles } from "./lakeFiles.ts"
import { createLakeView, type ViewPlan } from "./lakeView.ts"

export interface LakeQueryResult {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<JsonObject>
  /** True when `limit` cut the result short. */
  readonly truncated: boolean
}

/** DuckDB refused the SQL (parse, binder or runtime error); `message` is DuckDB's. */
export class LakeQueryError extends Error {
  override readonly name = "LakeQueryError"
}

export interface Lake {
  /** Runs SQL with the `telemetry` view current. */
  readonly query: (sql: string, options?: { readonly limit?: number }) => Promise<LakeQueryResult>
  /** Rebuilds the view now and says what it reads. */
  readonly refresh: () => Promise<ViewPlan>
  readonly close: () => void
}

export interface OpenLakeOptions {
  readonly lakeDir: string
  /**
   * For SQL from untrusted hands (the dashboard's query box): DuckDB may touch only the lake
   * folder (no other files, no extensions, no ATTACH, settings locked), and only SELECT
   * statements run, so a query can read the lake but neither read other files nor write any.
   */
  readonly readOnly?: boolean
}

const sqlList = (items: ReadonlyArray<string>) =>
  `[${items.map((item) => `'${item.replaceAll("'", "''")}'`).join(", ")}]`

export const openLake = async (options: OpenLakeOptions): Promise<Lake> => {
  const instance = await DuckDBInstance.create(":memory:")
  const connection = await instance.connect()
  if (options.readOnly) {
    const dir = `${resolve(options.lakeDir)}${sep}`
    await connection.run(`SET allowed_directories = ${sqlList([dir])}`)
    await connection.run("SET enable_external_access = false")
    await connection.run("SET lock_configuration = true")
  }
  /** Refuses anything but SELECT (DuckDB's own parser decides what each statement is). */
  const assertSelectOnly = async (sql: string) => {
    let statements: Awaited<ReturnType<typeof connection.extractStatements>>
    try {
      statements = await connection.extractStatements(sql)
    } catch (error) {
      throw new LakeQueryError(error instanceof Error ? error.message : String(error))
    }
    for (let i = 0; i < statements.count; i++) {
      const prepared = await statements.prepare(i).catch((error: unknown) => {
        throw new LakeQueryError(error instanceof Error ? error.message : String(error))
      })
      if (prepared.statementType !== StatementType.SELECT) {
        throw new LakeQueryError(
          "only SELECT statements may run here (the lake is read-only from the dashboard)",
        )
      }
    }
  }
  let current: { readonly files: string; readonly plan: ViewPlan } | undefined
  const refresh = async () => {
    const files = listLakeFiles(options.lakeDir)
    const signature = files.map((file) => file.key).join("\n")
    // Same files, same view: sampling them again would cost more than most queries.
    if (current?.files !== signature)
      current = { files: signature, plan: await createLakeView(connection, files) }
    return current.plan
  }
  const query = async (
    sql: string,
    queryOptions: { readonly limit?: number } = {},
  ): Promise<LakeQueryResult> => {
    await refresh()
    if (options.readOnly) await assertSelectOnly(sql)
    let reader: Awaited<ReturnType<typeof connection.runAndReadUntil>>
    try {
      reader =
        queryOptions.limit === undefined
          ? await connection.runAndReadAll(sql)
          : await connection.runAndReadUntil(sql, queryOptions.limit + 1)
    } catch (error) {
      throw new LakeQueryError(error instanceof Error ? error.message : String(error))
    }
    const columns = reader.columnNames()
    const types = reader.columnTypes()
    const json = new Set(columns.filter((_, i) => types[i]?.alias === "JSON"))
    let rows = reader.getRowsJS() as ReadonlyArray<ReadonlyArray<unknown>>
    const truncated = queryOptions.limit !== undefined && rows.length > queryOptions.limit
    if (truncated) rows = rows.slice(0, queryOptions.limit)
    return { columns, rows: rows.map((row) => rowToJson(columns, row, json)), truncated }
  }
  return {
    query,
    refresh,
    close: () => {
      connection.closeSync()
      instance.closeSync()
    },
  }
}
