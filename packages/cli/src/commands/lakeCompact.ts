/**
 * `sluice lake compact [--data-dir D] [--partition P]`: rewrite each partition's gzip objects as
 * one Parquet file, atomically (adapters-local/src/query/compactLake.ts), removing exact
 * duplicates. `sluice query` reads compacted and fresh partitions alike. Prints one JSON line
 * per partition: what it replaced and the file it wrote (`written: null` when there was nothing
 * to do). Safe to run while the stack writes: objects that arrive meanwhile are left for the
 * next run.
 */
import { compactLake, dataDirLayout } from "@sluice/adapters-local"
import { type Command, UsageError } from "../command.ts"

export const lakeCompactCommand: Command = {
  path: ["lake", "compact"],
  summary: "rewrite the lake's partitions as Parquet (one file each, duplicates removed)",
  options: {
    "data-dir": {
      type: "string",
      valueName: "DIR",
      description: "the stack's data directory",
      default: ".sluice",
    },
    partition: {
      type: "string",
      valueName: "P",
      description: "only this partition folder, e.g. year=2026/month=11/day=26 (default: all)",
    },
  },
  examples: ["sluice lake compact", "sluice lake compact --partition year=2026/month=11/day=26/hour=07"],
  run: async ({ values, io }) => {
    const { lake } = dataDirLayout(String(values["data-dir"]), io.cwd)
    const partition = typeof values.partition === "string" ? values.partition : undefined
    let results: Awaited<ReturnType<typeof compactLake>>
    try {
      results = await compactLake({ lakeDir: lake, ...(partition === undefined ? {} : { partition }) })
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message)
      throw error
    }
    for (const result of results)
      io.stdout(`${JSON.stringify({ ...result, written: result.written ?? null })}\n`)
    if (results.length === 0)
      io.stderr(
        `sluice lake compact: no partitions under ${lake}${partition ? ` matching ${partition}` : ""}\n`,
      )
    return 0
  },
}
