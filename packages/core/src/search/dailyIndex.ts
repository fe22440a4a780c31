/**
 * Daily index names: `telemetry-2026-11-26`, one index per UTC day of the reading's time.
 *
 * Daily indexes make retention cheap (delete yesterday's index, never a delete-by-query) and
 * keep each index small enough for one shard on the smallest domain. The day is the reading's
 * own day — not the arrival day — so a replay lands in the same index and the deterministic
 * `_id` makes it an overwrite; zone-less device times are read as UTC, as the lake does.
 * OpenSearch index names must be lowercase, at most 255 bytes, without `\ / * ? " < > | , #`,
 * spaces or a leading `- _ +` (OpenSearch docs, "Create index").
 */
import { utf8Length } from "../telemetry/json.ts"

export const DEFAULT_INDEX_PREFIX = "telemetry"

/** OpenSearch's longest index name, in bytes (Create index API). */
export const MAX_INDEX_NAME_BYTES = 255

const FORBIDDEN = /[\\/*?"<>|,#\s:A-Z]/

/** Why a name cannot be an OpenSearch index, or undefined when it can. */
export const invalidIndexNameReason = (name: string): string | undefined => {
  if (name.length === 0) return "an index name cannot be empty"
  if (name === "." || name === "..") return `"${name}" cannot be an index name`
  if (/^[-_+]/.test(name)) return `index name ${JSON.stringify(name)} starts with - _ or +`
  if (FORBIDDEN.test(name))
    return `index name ${JSON.stringify(name)} has an upper-case letter, space or one of \\ / * ? " < > | , # :`
  if (utf8Length(name) > MAX_INDEX_NAME_BYTES) return `index name is over ${MAX_INDEX_NAME_BYTES} bytes`
  return undefined
}

/** The UTC day of an instant as `YYYY-MM-DD`. */
export const utcDayOf = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10)

/** The daily index holding a reading taken at `epochMs`: `<prefix>-YYYY-MM-DD`. */
export const dailyIndexName = (epochMs: number, prefix: string = DEFAULT_INDEX_PREFIX): string =>
  `${prefix}-${utcDayOf(epochMs)}`

/** The pattern matching every daily index of a prefix (index patterns, searches, templates). */
export const dailyIndexPattern = (prefix: string = DEFAULT_INDEX_PREFIX): string => `${prefix}-*`
