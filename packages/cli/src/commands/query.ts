/**
 * `sluice query SQL --data-dir D`: DuckDB SQL over the data lake the local stack writes.
 *
 * The view `telemetry` holds every reading in `D/lake/telemetry/` — gzip JSON lines and
 * compacted Parquet alike — with the readings' fields as columns plus the partition columns
 * `year`, `month`, `day`, `hour` (adapters-local/src/query/lakeView.ts). Rows print as JSON
 * lines, or as a table with `--format table`. A query DuckDB rejects exits 1 with DuckDB's own
 * message; bad options exit 2.
 */
import { existsSync } from "node:fs"
import { dataDirLayout, LakeQueryError, openLake } from "@sluice/adapters-local"
import { type Command, UsageError } from "../command.ts"
import { formatJsonLines, formatTable } from "./queryFormat.ts"

export const queryCommand: Command = {
  path: ["query"],
  summary: "run DuckDB SQL over the data lake (view `telemetry`) and print the rows",
  positionals: { usage: "SQL", min: 1, max: 1 },
  description:
    "The view `telemetry` has the readings' fields (DEVICE_NAME, TIMESTAMP, TEMPERATURE, HUMIDITY, SEQ, extra fields), " +
    "the stored item's deviceId and ts, and the partition columns year, month, day, hour (UTC, from the reading's time).",
  options: {
    "data-dir": {
      type: "string",
      valueName: "DIR",
      description: "the stack's data directory",
      default: ".sluice",
    },
    format: {
      type: "string",
      valueName: "json|table",
      description: "JSON lines, or a table for people",
      default: "json",
    },
    limit: { type: "string", valueName: "N", description: "print at most N rows" },
  },
  examples: [
    "sluice query 'SELECT deviceId, count(*) AS n, avg(TEMPERATURE) AS t FROM telemetry GROUP BY deviceId' --format table",
    'sluice query "SELECT * FROM telemetry WHERE day = 26 AND hour = 7 ORDER BY ts" --data-dir .sluice',
  ],
  run: async ({ values, positionals, io }) => {
    const format = values.format
    if (format !== "json" && format !== "table") throw new UsageError("--format must be json or table")
    const limitText = values.limit
    const limit = typeof limitText === "string" ? Number(limitText) : undefined
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new UsageError("--limit must be a whole number")
    }
    const sql = positionals[0] as string
    if (sql.trim() === "") throw new UsageError("the SQL is empty")
    const { lake } = dataDirLayout(String(values["data-dir"]), io.cwd)
    if (!existsSync(lake)) io.stderr(`sluice query: no lake at ${lake} yet; the view is empty\n`)
    const opened = await openLake({ lakeDir: lake })
    try {
      const result = await opened.query(sql, limit === undefined ? {} : { limit })
      io.stdout(format === "table" ? formatTable(result.columns, result.rows) : formatJsonLines(result.rows))
      if (result.truncated) io.stderr(`sluice query: stopped after ${limit} rows (--limit)\n`)
      return 0
    } catch (error) {
      if (error instanceof LakeQueryError) {
        io.stderr(`sluice query: ${error.message}\n`)
        return 1
      }
      throw error
    } finally {
      opened.close()
    }
  },
}
