/**
 * One writer per stream directory: a `LOCK` file holding the owner's pid.
 *
 * Two processes appending to the same segments would interleave frames and corrupt the log, so
 * opening a stream takes the lock and closing releases it. A lock left by a process that no
 * longer runs (kill -9) is taken over; a live owner — another process, or another open
 * instance in this one — is an error naming it. Two processes taking over the same stale lock
 * in the same instant is not guarded against: this is a local development tool, not a cluster.
 */
import { readFile, rm, writeFile } from "node:fs/promises"
import { join, resolve } from "node:path"
import { Fatal } from "@sluice/core"

const heldHere = new Set<string>()

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** Takes the directory's lock; resolves to its release. */
export const lockDirectory = async (dir: string): Promise<() => Promise<void>> => {
  const path = resolve(join(dir, "LOCK"))
  if (heldHere.has(path)) throw new Fatal({ reason: `${dir} is already open in this process` })
  heldHere.add(path)
  try {
    await writeFile(path, String(process.pid), { flag: "wx" })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      heldHere.delete(path)
      throw error
    }
    const owner = Number((await readFile(path, "utf8").catch(() => "")).trim())
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      heldHere.delete(path)
      throw new Fatal({ reason: `${dir} is open in process ${owner}; stop it first` })
    }
    await writeFile(path, String(process.pid))
  }
  return async () => {
    heldHere.delete(path)
    await rm(path, { force: true })
  }
}
