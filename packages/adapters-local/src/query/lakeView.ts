/**
 * The `telemetry` view over the lake's files (decision 0602).
 *
 * Columns: the reading's known fields with fixed types — `DEVICE_NAME`, `TIMESTAMP` (text, as
 * published), `TEMPERATURE`, `HUMIDITY`, `SEQ`, and the stored item's `deviceId` and `ts` — then
 * any extra fields found in a sample of the files — the first rows of the oldest and newest
 * files (numbers as DOUBLE, text as VARCHAR, booleans,
 * anything else as JSON), then the Hive partition columns of the paths (`year`, `month`, `day`,
 * `hour` as INTEGER). Types are pinned rather than inferred because inference reads a sample:
 * `ts` would become a TIMESTAMP until the first `#sequence` suffix, an integer temperature a
 * BIGINT until the first 21.5 — and the query would fail on data it never sampled.
 *
 * Sources: `.gz` JSON-lines objects, and `.parquet` files written by compaction. A compacted
 * file names the files it replaced in its Parquet metadata (`sluice_sources`); those are left
 * out even if a crash kept them on disk, so no reading is counted twice by compaction.
 */
import type { DuckDBConnection } from "@duckdb/node-api"
import { LAKE_PARTITION_COLUMNS } from "@sluice/core"
import type { LakeFile } from "./lakeFiles.ts"

export const VIEW_NAME = "telemetry"
export const SOURCES_METADATA_KEY = "sluice_sources"

export const KNOWN_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["DEVICE_NAME", "VARCHAR"],
  ["TIMESTAMP", "VARCHAR"],
  ["TEMPERATURE", "DOUBLE"],
  ["HUMIDITY", "DOUBLE"],
  ["SEQ", "BIGINT"],
  ["deviceId", "VARCHAR"],
  ["ts", "VARCHAR"],
]

export const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`
export const sqlIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`
const sqlList = (items: ReadonlyArray<string>) => `[${items.map(sqlString).join(", ")}]`
const sqlStruct = (entries: ReadonlyArray<readonly [string, string]>) =>
  `{${entries.map(([k, v]) => `${sqlString(k)}: ${sqlString(v)}`).join(", ")}}`

/** The type an extra field gets, from what DuckDB inferred on a sample. */
export const widenType = (inferred: string): string => {
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/.test(
      inferred,
    )
  )
    return "DOUBLE"
  if (inferred === "BOOLEAN") return "BOOLEAN"
  if (/^(VARCHAR|DATE|TIME|TIMESTAMP|UUID|INTERVAL)/.test(inferred)) return "VARCHAR"
  return "JSON"
}

/** Extra fields are looked for in this many rows of each of this many files (the oldest and newest). */
const EXTRAS_SAMPLE_ROWS = 1024
const EXTRAS_SAMPLE_FILES = 16

const sampleOf = (files: ReadonlyArray<LakeFile>): ReadonlyArray<LakeFile> =>
  files.length <= EXTRAS_SAMPLE_FILES
    ? files
    : [...files.slice(0, EXTRAS_SAMPLE_FILES / 2), ...files.slice(-EXTRAS_SAMPLE_FILES / 2)]

const partitionType = (name: string) =>
  LAKE_PARTITION_COLUMNS.some((c) => c.name === name) ? "INTEGER" : "VARCHAR"

export interface ViewPlan {
  readonly sql: string
  readonly columns: ReadonlyArray<readonly [string, string]>
  /** Columns typed JSON (printed as the JSON they hold). */
  readonly jsonColumns: ReadonlySet<string>
  /** Files read. */
  readonly files: ReadonlyArray<LakeFile>
  /** Files left out because a compacted file replaced them. */
  readonly superseded: ReadonlyArray<LakeFile>
}

const rowsOf = async (connection: DuckDBConnection, sql: string) =>
  (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>

/** Keys of the files each compacted file replaced. */
export const supersededKeys = async (
  connection: DuckDBConnection,
  parquet: ReadonlyArray<LakeFile>,
): Promise<Set<string>> => {
  if (parquet.length === 0) return new Set()
  const rows = await rowsOf(
    connection,
    `SELECT decode(value) AS sources FROM parquet_kv_metadata(${sqlList(parquet.map((f) => f.path))}) WHERE decode(key) = ${sqlString(SOURCES_METADATA_KEY)}`,
  )
  return new Set(rows.flatMap((row) => JSON.parse(String(row.sources)) as string[]))
}

const describe = async (connection: DuckDBConnection, source: string) =>
  (await rowsOf(connection, `DESCRIBE SELECT * FROM ${source}`)).map(
    (row) => [String(row.column_name), String(row.column_type)] as const,
  )

/** The SELECT of a set of files with the given columns (no view). */
export const selectFiles = async (
  connection: DuckDBConnection,
  files: ReadonlyArray<LakeFile>,
): Promise<{ readonly sql: string; readonly columns: ReadonlyArray<readonly [string, string]> }> => {
  const json = files.filter((f) => f.format === "json")
  const parquet = files.filter((f) => f.format === "parquet")
  const partitions = [...new Set(files.flatMap((f) => f.partitions.map(([name]) => name)))]
  const taken = new Set([...KNOWN_COLUMNS.map(([name]) => name), ...partitions])
  const extras = new Map<string, string>()
  const jsonSample =
    json.length === 0
      ? undefined
      : `read_json(${sqlList(sampleOf(json).map((f) => f.path))}, format='newline_delimited', hive_partitioning=false, sample_size=${EXTRAS_SAMPLE_ROWS}, maximum_sample_files=${EXTRAS_SAMPLE_FILES})`
  const parquetPlain =
    parquet.length === 0
      ? undefined
      : `read_parquet(${sqlList(sampleOf(parquet).map((f) => f.path))}, hive_partitioning=false, union_by_name=true)`
  for (const source of [jsonSample, parquetPlain]) {
    if (source === undefined) continue
    for (const [name, type] of await describe(connection, source)) {
      if (!taken.has(name) && !extras.has(name)) extras.set(name, widenType(type))
    }
  }
  const fieldColumns: Array<readonly [string, string]> = [...KNOWN_COLUMNS, ...extras]
  const partitionColumns = partitions.map((name) => [name, partitionType(name)] as const)
  const columns = [...fieldColumns, ...partitionColumns]
  if (files.length === 0) {
    const empty = [...KNOWN_COLUMNS, ...LAKE_PARTITION_COLUMNS.map((c) => [c.name, c.sqlType] as const)]
    return {
      sql: `SELECT ${empty.map(([name, type]) => `CAST(NULL AS ${type}) AS ${sqlIdentifier(name)}`).join(", ")} WHERE false`,
      columns: empty,
    }
  }
  const hive =
    partitionColumns.length === 0
      ? "hive_partitioning=false"
      : `hive_partitioning=true, hive_types=${sqlStruct(partitionColumns)}`
  const sources: string[] = []
  if (json.length > 0) {
    sources.push(
      `SELECT * FROM read_json(${sqlList(json.map((f) => f.path))}, format='newline_delimited', ${hive}, columns=${sqlStruct(fieldColumns)})`,
    )
  }
  if (parquet.length > 0) {
    sources.push(
      `SELECT * FROM read_parquet(${sqlList(parquet.map((f) => f.path))}, ${hive}, union_by_name=true)`,
    )
  }
  // Only JSON needs a cast (Parquet keeps it as text). Casting the other columns would hide
  // them from DuckDB's filter pushdown, and a `WHERE hour = 7` would read every file.
  const projection = columns.map(([name, type]) =>
    type === "JSON" ? `CAST(${sqlIdentifier(name)} AS JSON) AS ${sqlIdentifier(name)}` : sqlIdentifier(name),
  )
  return { sql: `SELECT ${projection.join(", ")} FROM (${sources.join(" UNION ALL BY NAME ")})`, columns }
}

/** Creates (or replaces) the `telemetry` view over the lake's current files. */
export const createLakeView = async (
  connection: DuckDBConnection,
  files: ReadonlyArray<LakeFile>,
): Promise<ViewPlan> => {
  const replaced = await supersededKeys(
    connection,
    files.filter((f) => f.format === "parquet"),
  )
  const live = files.filter((f) => !replaced.has(f.key))
  const superseded = files.filter((f) => replaced.has(f.key))
  const { sql, columns } = await selectFiles(connection, live)
  await connection.run(`CREATE OR REPLACE VIEW ${VIEW_NAME} AS ${sql}`)
  return {
    sql,
    columns,
    jsonColumns: new Set(columns.filter(([, type]) => type === "JSON").map(([name]) => name)),
    files: live,
    superseded,
  }
}
