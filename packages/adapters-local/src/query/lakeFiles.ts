/**
 * The files of a lake folder that a query reads: data objects (`.gz` JSON lines) and compacted
 * partitions (`.parquet`) under `telemetry/`, with the Hive partition values in their paths.
 *
 * Names starting with `.` are temporary files of writes in progress (or of a crash) and are
 * never read. The walk is synchronous: a listing of a local folder, done once per query.
 */
import { type Dirent, readdirSync } from "node:fs"
import path from "node:path"
import { GZIP_EXTENSION, LAKE_DATA_ROOT } from "@sluice/core"

export const PARQUET_EXTENSION = ".parquet"

export interface LakeFile {
  /** Absolute path. */
  readonly path: string
  /** The object key, relative to the lake folder (`telemetry/year=…/….gz`). */
  readonly key: string
  readonly format: "json" | "parquet"
  /** Hive partition values from the path, in path order. */
  readonly partitions: ReadonlyArray<readonly [string, string]>
}

const HIVE_SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/

export const partitionsOfKey = (key: string): Array<readonly [string, string]> =>
  key
    .split("/")
    .slice(0, -1)
    .flatMap((segment) => {
      const match = HIVE_SEGMENT.exec(segment)
      return match ? [[match[1] as string, match[2] as string] as const] : []
    })

/** Every data file under `<lakeDir>/<root>` (default `telemetry/`), in key order. */
export const listLakeFiles = (lakeDir: string, root: string = LAKE_DATA_ROOT): LakeFile[] => {
  const base = path.resolve(lakeDir)
  const files: LakeFile[] = []
  const walk = (dir: string) => {
    let entries: Dirent[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return
      throw error
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile()) {
        const format = entry.name.endsWith(GZIP_EXTENSION)
          ? "json"
          : entry.name.endsWith(PARQUET_EXTENSION)
            ? "parquet"
            : undefined
        if (format === undefined) continue
        const key = path.relative(base, full).split(path.sep).join("/")
        files.push({ path: full, key, format, partitions: partitionsOfKey(key) })
      }
    }
  }
  walk(path.join(base, ...root.split("/").filter((s) => s !== "")))
  return files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}
