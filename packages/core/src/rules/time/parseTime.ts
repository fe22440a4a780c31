/**
 * Parses a timestamp string with a java.time pattern: the engine behind `time_to_epoch`.
 *
 * Supported letters: G era, y/u/Y year (`yy` is 2000–2099), M/L month (number, `MMM` Jan,
 * `MMMM` January, case-insensitive), d day, D day of year, E day name (checked for shape,
 * ignored), a AM/PM, H k K h hours, m minutes, s seconds, S fraction, z/V zone name or id,
 * Z/X/x/O offsets. The whole string must match. Missing fields default to the start of their
 * range (month 1, day 1, midnight) — java.time would refuse a pattern without a date, which is
 * a corner we do not reproduce. Without a zone the time is UTC, as the reference says.
 */
import { MONTHS, type PatternToken, tokenizePattern, WEEKDAYS } from "./pattern.ts"
import { localToEpoch, resolveZone, utcMs } from "./zones.ts"

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const names = (list: ReadonlyArray<string>, short: boolean) =>
  `(${list.map((name) => (short ? name.slice(0, 3) : name)).join("|")})`

const ZONE = "([A-Za-z][A-Za-z0-9_/+\\-:]*)"
const OFFSET = "(Z|[+-]\\d{2}(?::?\\d{2})?|(?:GMT|UTC)(?:[+-]\\d{1,2}(?::?\\d{2})?)?)"

/** The regular expression for one field, or undefined for a letter java.time would reject here. */
const fieldRegex = (
  token: PatternToken & { kind: "field" },
  next: PatternToken | undefined,
): string | undefined => {
  const { letter, count } = token
  const adjacentNumber = next?.kind === "field" && "yuYMLdDHkKhmsS".includes(next.letter)
  const digits = (min: number) =>
    count >= 2 || adjacentNumber ? `(\\d{${Math.max(count, min)}})` : "(\\d{1,2})"
  switch (letter) {
    case "y":
    case "u":
    case "Y":
      return count === 2
        ? "(\\d{2})"
        : adjacentNumber
          ? `(\\d{${Math.max(4, count)}})`
          : `(-?\\d{${Math.min(count, 4)},9})`
    case "M":
    case "L":
      return count >= 4 ? names(MONTHS, false) : count === 3 ? names(MONTHS, true) : digits(2)
    case "D":
      return count >= 3 ? "(\\d{3})" : "(\\d{1,3})"
    case "E":
      return count >= 4 ? names(WEEKDAYS, false) : names(WEEKDAYS, true)
    case "G":
      return "(AD|BC)"
    case "a":
      return "(AM|PM)"
    case "d":
    case "H":
    case "k":
    case "K":
    case "h":
    case "m":
    case "s":
      return digits(2)
    case "S":
      return `(\\d{${count}})`
    case "z":
    case "V":
      return ZONE
    case "Z":
    case "X":
    case "x":
    case "O":
      return OFFSET
    default:
      return undefined
  }
}

interface Parts {
  year?: number
  month: number
  day: number
  dayOfYear?: number
  hour: number
  pm?: boolean
  minute: number
  second: number
  millis: number
  bc: boolean
  zone?: string
}

const assign = (parts: Parts, letter: string, count: number, text: string): boolean => {
  const n = Number(text)
  switch (letter) {
    case "y":
    case "u":
    case "Y":
      parts.year = count === 2 ? 2000 + n : n
      return true
    case "M":
    case "L":
      parts.month =
        count >= 3 ? MONTHS.findIndex((m) => m.toLowerCase().startsWith(text.toLowerCase())) + 1 : n
      return true
    case "d":
      parts.day = n
      return true
    case "D":
      parts.dayOfYear = n
      return true
    case "G":
      parts.bc = text.toUpperCase() === "BC"
      return true
    case "a":
      parts.pm = text.toUpperCase() === "PM"
      return true
    case "H":
    case "k":
    case "K":
    case "h":
      parts.hour = letter === "k" && n === 24 ? 0 : letter === "h" && n === 12 ? 0 : n
      return true
    case "m":
      parts.minute = n
      return true
    case "s":
      parts.second = n
      return true
    case "S":
      parts.millis = Math.floor(Number(`0.${text}`) * 1000)
      return true
    case "z":
    case "V":
    case "Z":
    case "X":
    case "x":
    case "O":
      parts.zone = text
      return true
    default:
      return true
  }
}

/** Epoch milliseconds of `text` read with `pattern`, or undefined when it does not match. */
export const parseTime = (text: string, pattern: string): number | undefined => {
  const tokens = tokenizePattern(pattern)
  if (tokens === undefined) return undefined
  let source = "^"
  const fields: Array<PatternToken & { kind: "field" }> = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as PatternToken
    if (token.kind === "text") {
      source += escapeRegex(token.text)
      continue
    }
    const regex = fieldRegex(token, tokens[i + 1])
    if (regex === undefined) return undefined
    source += regex
    fields.push(token)
  }
  const match = new RegExp(`${source}$`, "i").exec(text)
  if (!match) return undefined
  const parts: Parts = { month: 1, day: 1, hour: 0, minute: 0, second: 0, millis: 0, bc: false }
  for (const [i, token] of fields.entries()) assign(parts, token.letter, token.count, match[i + 1] as string)
  if (parts.year === undefined) return undefined
  const year = parts.bc ? 1 - parts.year : parts.year
  const hour = parts.pm === undefined ? parts.hour : (parts.hour % 12) + (parts.pm ? 12 : 0)
  const valid =
    parts.month >= 1 &&
    parts.month <= 12 &&
    parts.day >= 1 &&
    parts.day <= 31 &&
    hour <= 23 &&
    parts.minute <= 59
  if (!valid || parts.second > 59) return undefined
  const local =
    parts.dayOfYear === undefined
      ? utcMs(year, parts.month - 1, parts.day, hour, parts.minute, parts.second, parts.millis)
      : utcMs(year, 0, parts.dayOfYear, hour, parts.minute, parts.second, parts.millis)
  if (parts.dayOfYear === undefined && new Date(local).getUTCDate() !== parts.day) return undefined
  const zone = resolveZone(parts.zone ?? "UTC")
  return zone === undefined ? undefined : localToEpoch(local, zone)
}
