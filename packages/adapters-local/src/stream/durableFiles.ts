/**
 * Small helpers for durable files: fsync of a directory (so a created, renamed or deleted
 * entry survives a crash — fdatasync of the file alone does not cover its name), and an atomic
 * replace by write-temp, fsync, rename, fsync-directory.
 *
 * Only the fsyncs, which wait for the disk, run on libuv's threadpool; opening, writing a few
 * bytes into the page cache, closing and renaming are done on the event loop, where they cost
 * microseconds — as threadpool round trips each would wait for a free thread behind the stream
 * log's fsyncs (a checkpoint used to take ten such trips, now two).
 */
import { closeSync, fdatasync, fsync, openSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"
import { promisify } from "node:util"

const fdatasyncAsync = promisify(fdatasync)
const fsyncAsync = promisify(fsync)

/** Makes the directory's entries durable. */
export const syncDirectory = async (dir: string): Promise<void> => {
  const fd = openSync(dir, "r")
  try {
    await fsyncAsync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Replaces `path` with `content` atomically: a reader (or a restart after a crash) sees the old
 * content or the new, never a mix.
 */
export const writeFileAtomic = async (path: string, content: string | Uint8Array): Promise<void> => {
  const temp = `${path}.tmp-${process.pid}`
  const fd = openSync(temp, "w")
  try {
    writeFileSync(fd, content)
    await fdatasyncAsync(fd)
  } catch (error) {
    closeSync(fd)
    rmSync(temp, { force: true })
    throw error
  }
  closeSync(fd)
  renameSync(temp, path)
  await syncDirectory(dirname(path))
}
