/**
 * Reading timestamps: parsing, validation and the canonical, sortable form.
 *
 * The hands-on device sends `YYYY-MM-DDTHH:MM:SS` in its local time with no zone. We accept that,
 * optionally with a fraction of a second and a zone (`Z`, `±HH:MM`, `±HHMM`), or an integer of
 * epoch milliseconds. The canonical form is `YYYY-MM-DDTHH:MM:SS[.mmm]`: in UTC when the input
 * named a zone, otherwise as the device wrote it (we cannot know its zone, so partitioning
 * treats it as UTC). Being fixed-width, canonical times sort as strings in time order — the
 * table's sort key, the latest-state order and the lake's partitions all rely on that.
 */
import { Result } from "effect"

export interface ParsedTime {
  /** `YYYY-MM-DDTHH:MM:SS` plus `.mmm` when the milliseconds are not zero. */
  readonly canonical: string
  /** The instant, reading zone-less times as UTC. */
  readonly epochMs: number
}

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/
/** 9999-12-31T23:59:59.999Z: the last instant with a four-digit year. */
const MAX_EPOCH_MS = 253402300799999
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const pad = (n: number, width: number) => String(n).padStart(width, "0")

/** Canonical text of an instant, in UTC. */
export const canonicalFromEpochMs = (epochMs: number): string => {
  const iso = new Date(epochMs).toISOString() // YYYY-MM-DDTHH:MM:SS.mmmZ
  const ms = epochMs % 1000
  return ms === 0 ? iso.slice(0, 19) : iso.slice(0, 23)
}

const fromString = (text: string): Result.Result<ParsedTime, string> => {
  const match = PATTERN.exec(text)
  if (!match) return Result.fail("expected a time like 2026-11-26T07:12:43 (optionally .sss and a zone)")
  const [, y, mo, d, h, mi, s, fraction, zone] = match
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12) return Result.fail(`month ${mo} is out of range`)
  const monthDays = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 31)
  if (day < 1 || day > monthDays) return Result.fail(`day ${d} is out of range for ${y}-${mo}`)
  if (hour > 23 || minute > 59 || second > 59)
    return Result.fail(`time of day ${h}:${mi}:${s} is out of range`)
  const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"))
  let offsetMinutes = 0
  if (zone !== undefined && zone !== "Z") {
    const digits = zone.replace(":", "")
    const zoneHours = Number(digits.slice(1, 3))
    const zoneMinutes = Number(digits.slice(3, 5))
    if (zoneHours > 23 || zoneMinutes > 59) return Result.fail(`zone offset ${zone} is out of range`)
    offsetMinutes = (digits[0] === "-" ? -1 : 1) * (zoneHours * 60 + zoneMinutes)
  }
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000
  // Date.UTC maps years 0–99 to 1900–1999; four-digit years below 100 are not telemetry.
  if (year < 1000 || epochMs < 0 || epochMs > MAX_EPOCH_MS) return Result.fail(`year ${y} is out of range`)
  if (zone === undefined) {
    const base = `${y}-${mo}-${d}T${h}:${mi}:${s}`
    return Result.succeed({ canonical: ms === 0 ? base : `${base}.${pad(ms, 3)}`, epochMs })
  }
  return Result.succeed({ canonical: canonicalFromEpochMs(epochMs), epochMs })
}

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant,
 * "chrono-Compatible Low-Level Date Algorithms", days_from_civil) — what Date.UTC computes, in
 * a few integer operations instead of a call into the runtime.
 */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

const digitAt = (text: string, i: number): number => {
  const d = text.charCodeAt(i) - 48
  return d >= 0 && d <= 9 ? d : Number.NaN
}

/**
 * Whether `text` is a valid time in the hands-on format exactly — `YYYY-MM-DDTHH:MM:SS`, no
 * fraction, no zone, from 1970 on — checked without the regex, without arithmetic on the date and
 * without allocating: the consumer checks one per record. Such a text is its own canonical form.
 * False for anything else, which `fromString` then decides and words, so both agree.
 */
export const isHandsOnTime = (text: string): boolean => {
  if (
    text.length !== 19 ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58
  )
    return false
  const year = digitAt(text, 0) * 1000 + digitAt(text, 1) * 100 + digitAt(text, 2) * 10 + digitAt(text, 3)
  const month = digitAt(text, 5) * 10 + digitAt(text, 6)
  const day = digitAt(text, 8) * 10 + digitAt(text, 9)
  // NaN (a non-digit) fails every comparison below. Before 1970 the instant would be negative,
  // which `fromString` refuses ("year out of range").
  if (!(year >= 1970 && month >= 1 && month <= 12 && day >= 1)) return false
  if (day > (month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return false
  const hour = digitAt(text, 11) * 10 + digitAt(text, 12)
  const minute = digitAt(text, 14) * 10 + digitAt(text, 15)
  const second = digitAt(text, 17) * 10 + digitAt(text, 18)
  return hour <= 23 && minute <= 59 && second <= 59
}

/** The instant of a time that `isHandsOnTime` accepts. */
const handsOnEpochMs = (text: string): number => {
  const year = digitAt(text, 0) * 1000 + digitAt(text, 1) * 100 + digitAt(text, 2) * 10 + digitAt(text, 3)
  const month = digitAt(text, 5) * 10 + digitAt(text, 6)
  const day = digitAt(text, 8) * 10 + digitAt(text, 9)
  const hour = digitAt(text, 11) * 10 + digitAt(text, 12)
  const minute = digitAt(text, 14) * 10 + digitAt(text, 15)
  const second = digitAt(text, 17) * 10 + digitAt(text, 18)
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000
}

const fromHandsOnFormat = (text: string): Result.Result<ParsedTime, string> | undefined =>
  isHandsOnTime(text) ? Result.succeed({ canonical: text, epochMs: handsOnEpochMs(text) }) : undefined

/** Parses a reading's timestamp (string or epoch milliseconds); failure is a reason. */
export const parseTimestamp = (value: unknown): Result.Result<ParsedTime, string> => {
  if (typeof value === "string") return fromHandsOnFormat(value) ?? fromString(value)
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0 || value > MAX_EPOCH_MS) {
      return Result.fail("expected epoch milliseconds as a non-negative integer before year 10000")
    }
    return Result.succeed({ canonical: canonicalFromEpochMs(value), epochMs: value })
  }
  return Result.fail("expected a time string like 2026-11-26T07:12:43 or epoch milliseconds")
}

/** Formats an instant the way the hands-on device writes TIMESTAMP (no zone, seconds). */
export const handsOnTimestamp = (epochMs: number): string => canonicalFromEpochMs(epochMs - (epochMs % 1000))
