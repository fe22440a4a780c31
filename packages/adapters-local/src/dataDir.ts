/**
 * The data directory: where every local adapter keeps its files, one layout shared by
 * `sluice up`, `sluice invoke`, `sluice table`, `sluice dlq` and `sluice query`
 * (docs/decisions/0400-data-dir-layout.md).
 *
 *     <data-dir>/                      default `.sluice` in the working directory
 *       stream/<name>/                 the stream log (stream/localStream.ts), default name `telemetry`
 *       checkpoints/<consumer>.json    consumer checkpoints (stream/localCheckpoints.ts)
 *       table.sqlite                   readings and latest states (table/sqliteTable.ts), + -wal, -shm
 *       deadletters.sqlite             dead letters with reasons (table/sqliteDeadLetters.ts)
 *       projections.sqlite             projections' views, states and progress (projections/)
 *       lake/                          the data lake (lake/)
 */
import { join, resolve } from "node:path"

export const DEFAULT_DATA_DIR = ".sluice"
export const DEFAULT_STREAM_NAME = "telemetry"

export interface DataDirLayout {
  readonly root: string
  readonly stream: (name?: string) => string
  readonly checkpoints: string
  readonly table: string
  readonly deadLetters: string
  readonly projections: string
  readonly lake: string
}

/** The paths of a data directory (absolute, resolved against `cwd`). */
export const dataDirLayout = (
  dataDir: string = DEFAULT_DATA_DIR,
  cwd: string = process.cwd(),
): DataDirLayout => {
  const root = resolve(cwd, dataDir)
  return {
    root,
    stream: (name = DEFAULT_STREAM_NAME) => join(root, "stream", name),
    checkpoints: join(root, "checkpoints"),
    table: join(root, "table.sqlite"),
    deadLetters: join(root, "deadletters.sqlite"),
    projections: join(root, "projections.sqlite"),
    lake: join(root, "lake"),
  }
}
