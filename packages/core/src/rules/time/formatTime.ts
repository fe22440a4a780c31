/**
 * Formats an instant with a Joda-Time pattern in a zone: the engine behind `parse_time`.
 *
 * Supported letters: G era, C century, Y/y/u year (`yy` two digits), x weekyear, w week, e/E day
 * of week, D day of year, M month (`MMM` Jan, `MMMM` January), d day, a AM/PM, K h H k hours, m
 * minutes, s seconds, S fraction (as many digits as letters), z zone name (`zzzz` long), Z offset
 * (`Z` +0100, `ZZ` +01:00, `ZZZ` the zone id). Any other letter makes the pattern invalid, as it
 * does in Joda, and the result Undefined. Weeks are ISO-8601 weeks, as in Joda's ISO chronology.
 */
import { MONTHS, tokenizePattern, WEEKDAYS } from "./pattern.ts"
import { offsetText, resolveZone, type Zone } from "./zones.ts"

/** Dates keep a day's margin inside JavaScript's ±8.64e15 ms range, for zone offsets. */
const MAX_EPOCH_MS = 8.64e15 - 86_400_000

const pad = (n: number, width: number): string => {
  const text = String(Math.abs(n)).padStart(width, "0")
  return n < 0 ? `-${text}` : text
}

interface Fields {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
  readonly millis: number
  /** 1 = Monday … 7 = Sunday. */
  readonly weekday: number
  readonly dayOfYear: number
  readonly weekyear: number
  readonly week: number
}

const fieldsOf = (localMs: number): Fields => {
  const date = new Date(localMs)
  const year = date.getUTCFullYear()
  const startOfYear = new Date(0)
  startOfYear.setUTCFullYear(year, 0, 1)
  const dayOfYear = Math.floor((localMs - startOfYear.getTime()) / 86_400_000) + 1
  const weekday = ((date.getUTCDay() + 6) % 7) + 1
  // ISO week: the week holding this date's Thursday belongs to that Thursday's year.
  const thursday = new Date(localMs + (4 - weekday) * 86_400_000)
  const weekyear = thursday.getUTCFullYear()
  const weekyearStart = new Date(0)
  weekyearStart.setUTCFullYear(weekyear, 0, 1)
  const week = Math.floor((thursday.getTime() - weekyearStart.getTime()) / 86_400_000 / 7) + 1
  return {
    year,
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millis: date.getUTCMilliseconds(),
    weekday,
    dayOfYear,
    weekyear,
    week,
  }
}

const yearText = (year: number, count: number) =>
  count === 2 ? pad(((year % 100) + 100) % 100, 2) : pad(year, count)

const field = (letter: string, count: number, f: Fields, zone: Zone, epochMs: number, offset: number) => {
  const yearOfEra = f.year <= 0 ? 1 - f.year : f.year
  switch (letter) {
    case "G":
      return f.year <= 0 ? "BC" : "AD"
    case "C":
      return pad(Math.floor(yearOfEra / 100), count)
    case "Y":
      return yearText(yearOfEra, count)
    case "y":
    case "u":
      return yearText(f.year, count)
    case "x":
      return yearText(f.weekyear, count)
    case "w":
      return pad(f.week, count)
    case "e":
      return pad(f.weekday, count)
    case "E": {
      const name = WEEKDAYS[f.weekday - 1] as string
      return count >= 4 ? name : name.slice(0, 3)
    }
    case "D":
      return pad(f.dayOfYear, count)
    case "M": {
      const name = MONTHS[f.month - 1] as string
      return count >= 4 ? name : count === 3 ? name.slice(0, 3) : pad(f.month, count)
    }
    case "d":
      return pad(f.day, count)
    case "a":
      return f.hour < 12 ? "AM" : "PM"
    case "K":
      return pad(f.hour % 12, count)
    case "h":
      return pad(f.hour % 12 === 0 ? 12 : f.hour % 12, count)
    case "H":
      return pad(f.hour, count)
    case "k":
      return pad(f.hour === 0 ? 24 : f.hour, count)
    case "m":
      return pad(f.minute, count)
    case "s":
      return pad(f.second, count)
    case "S":
      return pad(f.millis, 3).padEnd(count, "0").slice(0, count)
    case "z":
      return zone.name(epochMs, count >= 4 ? "long" : "short")
    case "Z":
      return count >= 3 ? zone.id : offsetText(offset, count === 2)
    default:
      return undefined
  }
}

/** `pattern` applied to `epochMs` in the zone named `zoneName`, or undefined when either is invalid. */
export const formatTime = (pattern: string, epochMs: number, zoneName: string): string | undefined => {
  const tokens = tokenizePattern(pattern)
  const zone = resolveZone(zoneName)
  if (tokens === undefined || zone === undefined || !(Math.abs(epochMs) <= MAX_EPOCH_MS)) return undefined
  const offset = zone.offsetMinutes(epochMs)
  const local = fieldsOf(epochMs + offset * 60000)
  let out = ""
  for (const token of tokens) {
    if (token.kind === "text") {
      out += token.text
      continue
    }
    const text = field(token.letter, token.count, local, zone, epochMs, offset)
    if (text === undefined) return undefined
    out += text
  }
  return out
}
