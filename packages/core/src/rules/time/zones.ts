/**
 * Time zones for `parse_time` and `time_to_epoch`, on the platform's Intl time-zone data.
 *
 * Accepted: "UTC"/"GMT"/"UT"/"Z", fixed offsets ("+01:00", "-0800", "UTC+01:00", "GMT-8"),
 * IANA ids ("America/Los_Angeles"), and, for parsing only, a few common abbreviations mapped to
 * the zone Java maps them to ("PST" → America/Los_Angeles). Short and long names come from
 * Intl's en-US data, which match Joda-Time's for UTC and the North American zones ("CST") and
 * print "GMT+1"-style names elsewhere. An unknown zone is `undefined`, which the functions turn
 * into Undefined.
 */

export interface Zone {
  /** The id Joda prints for `ZZZ`: "UTC", "+01:00", "America/Belize". */
  readonly id: string
  /** Minutes to add to UTC to get local time at this instant. */
  readonly offsetMinutes: (epochMs: number) => number
  readonly name: (epochMs: number, style: "short" | "long") => string
}

const FIXED_OFFSET = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/
const UTC_NAMES = new Set(["UTC", "GMT", "UT", "Z", "ETC/UTC", "ETC/GMT", "ZULU", "UCT", "UNIVERSAL"])

/** Abbreviations Java's zone-name parser resolves, for `time_to_epoch` with `z`. */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  PST: "America/Los_Angeles",
  PDT: "America/Los_Angeles",
  MST: "America/Denver",
  MDT: "America/Denver",
  CST: "America/Chicago",
  CDT: "America/Chicago",
  EST: "America/New_York",
  EDT: "America/New_York",
  CET: "Europe/Paris",
  CEST: "Europe/Paris",
  BST: "Europe/London",
  JST: "Asia/Tokyo",
  IST: "Asia/Kolkata",
}

const pad2 = (n: number) => String(n).padStart(2, "0")

/** Epoch ms of a UTC date-time; unlike `Date.UTC`, years 0–99 mean those years, not 19xx. */
export const utcMs = (
  year: number,
  month0: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number => {
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second, ms))
  date.setUTCFullYear(year, month0, day)
  return date.getTime()
}

export const offsetText = (minutes: number, colon: boolean): string => {
  const sign = minutes < 0 ? "-" : "+"
  const abs = Math.abs(minutes)
  return `${sign}${pad2(Math.floor(abs / 60))}${colon ? ":" : ""}${pad2(abs % 60)}`
}

const fixedZone = (minutes: number): Zone => {
  const id = minutes === 0 ? "UTC" : offsetText(minutes, true)
  return { id, offsetMinutes: () => minutes, name: () => id }
}

const UTC = fixedZone(0)
const zones = new Map<string, Zone | null>()

const intlZone = (id: string): Zone | undefined => {
  let parts: Intl.DateTimeFormat
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone: id,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    })
  } catch {
    return undefined
  }
  // The id as given: Intl canonicalises to legacy ids (Asia/Kolkata → Asia/Calcutta), Joda does not.
  const canonical = id
  const names = {
    short: new Intl.DateTimeFormat("en-US", { timeZone: id, timeZoneName: "short" }),
    long: new Intl.DateTimeFormat("en-US", { timeZoneName: "long", timeZone: id }),
  }
  return {
    id: canonical,
    offsetMinutes: (epochMs) => {
      const fields: Record<string, string> = {}
      for (const part of parts.formatToParts(new Date(epochMs))) fields[part.type] = part.value
      const bc = fields.era === "BC" || fields.era === "B"
      const local = utcMs(
        bc ? 1 - Number(fields.year) : Number(fields.year),
        Number(fields.month) - 1,
        Number(fields.day),
        Number(fields.hour),
        Number(fields.minute),
        Number(fields.second),
      )
      return Math.round((local - Math.floor(epochMs / 1000) * 1000) / 60000)
    },
    name: (epochMs, style) =>
      names[style].formatToParts(new Date(epochMs)).find((part) => part.type === "timeZoneName")?.value ??
      canonical,
  }
}

/** The zone named `name`, or undefined when it is not a zone. */
export const resolveZone = (name: string): Zone | undefined => {
  const upper = name.toUpperCase()
  if (UTC_NAMES.has(upper)) return UTC
  const fixed = FIXED_OFFSET.exec(name)
  if (fixed) {
    const hours = Number(fixed[2])
    const minutes = Number(fixed[3] ?? "0")
    if (hours > 18 || minutes > 59) return undefined
    return fixedZone((fixed[1] === "-" ? -1 : 1) * (hours * 60 + minutes))
  }
  const id = ABBREVIATIONS[upper] ?? name
  const cached = zones.get(id)
  if (cached !== undefined) return cached ?? undefined
  const zone = intlZone(id)
  zones.set(id, zone ?? null)
  return zone
}

/** Epoch ms of a local date-time in a zone (the earlier instant when a gap or overlap makes it ambiguous). */
export const localToEpoch = (localAsUtcMs: number, zone: Zone): number => {
  const first = zone.offsetMinutes(localAsUtcMs) * 60000
  const guess = localAsUtcMs - first
  const second = zone.offsetMinutes(guess) * 60000
  return second === first ? guess : localAsUtcMs - second
}
