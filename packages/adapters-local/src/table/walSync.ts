/**
 * The fdatasync of a SQLite WAL file, on libuv's threadpool rather than the event loop: what
 * `synchronous = FULL` does inside every COMMIT, done by the group commit after it instead
 * (groupCommit.ts, decision 0902).
 *
 * fsync is per file, not per descriptor, so syncing our own read-only descriptor makes durable
 * every frame SQLite wrote through its own. The descriptor is opened at the first sync (the WAL
 * exists once something was committed) and kept: SQLite truncates or deletes the WAL only when
 * the last connection closes, and frames a checkpoint already copied into the database were
 * synced there by the checkpoint. `close()` waits for syncs in flight before closing it.
 */
import { closeSync, fdatasync, openSync } from "node:fs"

export interface WalSync {
  readonly sync: () => Promise<void>
  readonly close: () => void
}

export const walSync = (walPath: string): WalSync => {
  let fd: number | undefined
  let inFlight = 0
  let closing = false
  const release = () => {
    if (closing && inFlight === 0 && fd !== undefined) {
      closeSync(fd)
      fd = undefined
    }
  }
  return {
    sync: () =>
      new Promise<void>((resolve, reject) => {
        try {
          fd ??= openSync(walPath, "r")
        } catch (error) {
          reject(error)
          return
        }
        inFlight++
        fdatasync(fd, (error) => {
          inFlight--
          release()
          if (error) reject(error)
          else resolve()
        })
      }),
    close: () => {
      closing = true
      release()
    },
  }
}
