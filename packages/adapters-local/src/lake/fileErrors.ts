/**
 * What a filesystem error means for the lake, in core's four classes.
 *
 * - Poison: the key cannot exist on this filesystem (a file where a folder must be, a name too
 *   long) — retrying never helps, and it is that key's fault, not the lake's.
 * - Fatal: the lake folder itself is unusable (permission denied, read-only filesystem).
 * - Retryable: everything else (disk full, too many open files, I/O errors), with backoff.
 */
import { Fatal, Poison, Retryable } from "@sluice/core"

const POISON = new Set(["ENOTDIR", "EISDIR", "ENAMETOOLONG", "EEXIST"])
const FATAL = new Set(["EACCES", "EPERM", "EROFS"])

export const codeOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string"
    ? (error as { code: string }).code
    : undefined

export const classifyFsError = (what: string, error: unknown): Retryable | Fatal | Poison => {
  const code = codeOf(error)
  const message = error instanceof Error ? error.message : String(error)
  const reason = `${what}: ${message}`
  if (code !== undefined && POISON.has(code)) {
    return new Poison({ reason: `${reason} (the key collides with another object's folder)` })
  }
  if (code !== undefined && FATAL.has(code)) return new Fatal({ reason, cause: error })
  return new Retryable({ reason, cause: error })
}
