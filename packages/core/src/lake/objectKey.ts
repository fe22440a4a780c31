/**
 * Which object keys the data lake accepts — one rule for S3, the filesystem and memory.
 *
 * A key is 1–1,024 bytes of UTF-8 (S3's limit) split by `/` into segments of 1–255 bytes (the
 * usual filesystem name limit). A segment may not be empty (no leading, trailing or doubled
 * `/`), may not start with `.` (which rules out `.` and `..`, and leaves dot-names free for the
 * filesystem store's temporary files), and may not hold `\` or control characters. Under this
 * rule a key joined onto a lake folder always names a file inside it: there is no way up, no
 * absolute path, and no separator a platform would read differently.
 *
 * Device names are held to the AWS IoT thing-name alphabet upstream (telemetry/limits.ts); this
 * rule is the second line, for keys built from anything else (a custom transform's partition
 * keys, a user's prefix).
 */
import { utf8Length } from "../telemetry/json.ts"

/** S3's limit on a key. Source: Amazon S3 user guide, "Naming Amazon S3 objects" (1,024 bytes). */
export const MAX_OBJECT_KEY_BYTES = 1024
/** NAME_MAX of ext4, XFS, APFS and NTFS: one path segment. */
export const MAX_KEY_SEGMENT_BYTES = 255

const FORBIDDEN = /[\u0000-\u001f\u007f\\]/

/** Why a key segment is unsafe, or undefined when it is fine. */
export const keySegmentProblem = (segment: string): string | undefined => {
  if (segment === "") return "has an empty segment (a leading, trailing or doubled '/')"
  if (segment.startsWith("."))
    return `has a segment starting with '.' (${JSON.stringify(segment.slice(0, 40))})`
  if (FORBIDDEN.test(segment)) return "has a backslash or a control character"
  if (utf8Length(segment) > MAX_KEY_SEGMENT_BYTES) return `has a segment over ${MAX_KEY_SEGMENT_BYTES} bytes`
  return undefined
}

/** Why a key is not acceptable, or undefined when it is. */
export const objectKeyProblem = (key: string): string | undefined => {
  if (typeof key !== "string" || key === "") return "is empty"
  if (utf8Length(key) > MAX_OBJECT_KEY_BYTES) return `is over ${MAX_OBJECT_KEY_BYTES} bytes`
  for (const segment of key.split("/")) {
    const problem = keySegmentProblem(segment)
    if (problem !== undefined) return problem
  }
  return undefined
}

/**
 * Why a listing prefix is not acceptable, or undefined. A prefix is any start of a valid key:
 * "" lists everything, `a/b/` a folder, `a/b/c` the keys starting so. Its complete segments
 * follow the key rule; its last, partial one may be empty or anything a segment may start with.
 */
export const objectPrefixProblem = (prefix: string): string | undefined => {
  if (typeof prefix !== "string") return "is not a string"
  if (prefix === "") return undefined
  if (utf8Length(prefix) > MAX_OBJECT_KEY_BYTES) return `is over ${MAX_OBJECT_KEY_BYTES} bytes`
  const segments = prefix.split("/")
  const last = segments.pop() as string
  for (const segment of segments) {
    const problem = keySegmentProblem(segment)
    if (problem !== undefined) return problem
  }
  if (last !== "" && keySegmentProblem(last) !== undefined) return keySegmentProblem(last)
  return undefined
}

/** Throws a RangeError for a key the lake cannot hold (for code paths that build keys themselves). */
export const assertObjectKey = (key: string): string => {
  const problem = objectKeyProblem(key)
  if (problem !== undefined) throw new RangeError(`object key ${JSON.stringify(key)} ${problem}`)
  return key
}
