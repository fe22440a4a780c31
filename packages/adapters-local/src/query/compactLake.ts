/**
 * `sluice lake compact`: rewrite each partition's objects as one Parquet file, atomically.
 *
 * Per leaf partition folder (e.g. `telemetry/year=2026/month=11/day=26/hour=07/`):
 *
 *     1. delete files a compacted file already replaced (leftovers of a crash after step 4)
 *     2. COPY (SELECT DISTINCT … ORDER BY deviceId, ts) TO '.compact-<id>.parquet.tmp'
 *        with KV metadata sluice_sources = [every file read]
 *     3. fsync, rename to `compacted-<time>-<id>.parquet`, fsync the folder   ← commit point
 *     4. delete the files it replaced
 *
 * Before step 3 nothing visible changed (the temporary name starts with `.`, which readers
 * skip and the lake's file store sweeps); from step 3 on the view reads the Parquet file and
 * leaves out the files it names, whether or not step 4 finished — so a crash at any point
 * leaves every reading counted exactly as before. `DISTINCT` removes exact duplicates, which is
 * what an at-least-once replay leaves (the same reading gives the same line); two different
 * readings with the same key both stay. A partition already made of a single Parquet file is
 * left alone; one with new objects is compacted again, the old Parquet file included.
 */
import { randomUUID } from "node:crypto"
import { open, rename, unlink } from "node:fs/promises"
import path from "node:path"
import { DuckDBInstance } from "@duckdb/node-api"
import { LAKE_DATA_ROOT } from "@sluice/core"
import { type LakeFile, listLakeFiles } from "./lakeFiles.ts"
import { SOURCES_METADATA_KEY, selectFiles, sqlIdentifier, sqlString, supersededKeys } from "./lakeView.ts"

export interface CompactionResult {
  /** The partition folder, relative to the lake (`telemetry/year=…/…/hour=07`). */
  readonly partition: string
  /** Files replaced, and readings (rows) in the new file. */
  readonly replaced: number
  readonly rows: number
  /** The new file's key, or undefined when there was nothing to do. */
  readonly written: string | undefined
}

const fsyncPath = async (target: string) => {
  const handle = await open(target, "r")
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

const folderOf = (file: LakeFile) => file.key.slice(0, file.key.lastIndexOf("/"))

/**
 * Compacts every leaf partition under `partition` (a folder relative to the lake, with or
 * without the `telemetry/` root; default: all of them).
 */
export const compactLake = async (options: {
  readonly lakeDir: string
  readonly partition?: string
  /** Test hook: throw to stop at a step, as a crash would. */
  readonly onStep?: (step: "copied" | "renamed") => void
}): Promise<ReadonlyArray<CompactionResult>> => {
  const trimmed = (options.partition ?? "").replace(/^\/+|\/+$/g, "")
  const root = LAKE_DATA_ROOT.slice(0, -1)
  const scope =
    trimmed === ""
      ? root
      : trimmed === root || trimmed.startsWith(`${root}/`)
        ? trimmed
        : `${root}/${trimmed}`
  if (scope.split("/").some((segment) => segment === "" || segment.startsWith("."))) {
    throw new RangeError(`partition ${JSON.stringify(options.partition)} is not a folder of the lake`)
  }
  const files = listLakeFiles(options.lakeDir).filter((f) => f.key.startsWith(`${scope}/`))
  const byFolder = new Map<string, LakeFile[]>()
  for (const file of files) byFolder.set(folderOf(file), [...(byFolder.get(folderOf(file)) ?? []), file])
  const instance = await DuckDBInstance.create(":memory:")
  const connection = await instance.connect()
  try {
    const results: CompactionResult[] = []
    for (const [folder, folderFiles] of byFolder) {
      const replaced = await supersededKeys(
        connection,
        folderFiles.filter((f) => f.format === "parquet"),
      )
      for (const file of folderFiles.filter((f) => replaced.has(f.key)))
        await unlink(file.path).catch(() => {})
      const live = folderFiles.filter((f) => !replaced.has(f.key))
      if (live.length === 0 || (live.length === 1 && live[0]?.format === "parquet")) {
        results.push({ partition: folder, replaced: 0, rows: 0, written: undefined })
        continue
      }
      const { sql, columns } = await selectFiles(connection, live)
      const partitionNames = new Set(live.flatMap((f) => f.partitions.map(([name]) => name)))
      const stored = columns
        .filter(([name]) => !partitionNames.has(name))
        .map(([name]) => sqlIdentifier(name))
      const dir = path.join(path.resolve(options.lakeDir), ...folder.split("/"))
      const id = randomUUID()
      const temp = path.join(dir, `.compact-${id}.parquet.tmp`)
      const final = path.join(
        dir,
        `compacted-${new Date().toISOString().replace(/[-:.]/g, "")}-${id}.parquet`,
      )
      const sources = JSON.stringify(live.map((f) => f.key))
      const copied = await connection.runAndReadAll(
        `COPY (SELECT DISTINCT ${stored.join(", ")} FROM (${sql}) ORDER BY "deviceId", "ts") TO ${sqlString(temp)} ` +
          `(FORMAT parquet, COMPRESSION zstd, KV_METADATA {${sqlString(SOURCES_METADATA_KEY)}: ${sqlString(sources)}})`,
      )
      const rows = Number(copied.getRowObjectsJS()[0]?.Count ?? 0)
      await fsyncPath(temp)
      options.onStep?.("copied")
      await rename(temp, final)
      await fsyncPath(dir)
      options.onStep?.("renamed")
      for (const file of live) await unlink(file.path).catch(() => {})
      const key = path.relative(path.resolve(options.lakeDir), final).split(path.sep).join("/")
      results.push({ partition: folder, replaced: live.length, rows, written: key })
    }
    return results
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}
