/**
 * Small helpers for durable files: fsync of a directory (so a created, renamed or deleted
 * entry survives a crash — fdatasync of the file alone does not cover its name), and an atomic
 * replace by write-temp, fsync, rename, fsync-directory.
 */
import { open, rename, rm } from "node:fs/promises"
import { dirname } from "node:path"

/** Makes the directory's entries durable. */
export const syncDirectory = async (dir: string): Promise<void> => {
  const handle = await open(dir, "r")
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Replaces `path` with `content` atomically: a reader (or a restart after a crash) sees the old
 * content or the new, never a mix.
 */
export const writeFileAtomic = async (path: string, content: string | Uint8Array): Promise<void> => {
  const temp = `${path}.tmp-${process.pid}`
  const handle = await open(temp, "w")
  try {
    await handle.writeFile(content)
    await handle.datasync()
  } catch (error) {
    await handle.close()
    await rm(temp, { force: true })
    throw error
  }
  await handle.close()
  await rename(temp, path)
  await syncDirectory(dirname(path))
}
