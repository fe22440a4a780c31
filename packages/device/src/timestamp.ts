/**
 * The hands-on `TIMESTAMP`: `YYYY-MM-DDTHH:MM:SS`, the device's local wall-clock time with no
 * zone and no fraction (what Python's `datetime.now().strftime("%Y-%m-%dT%H:%M:%S")` prints).
 *
 * "Local" is the host's time zone at that instant unless a fixed UTC offset is given — tests
 * and reproducible runs fix it, since the same seed must give the same payloads on any host.
 * Readings within one second share a `TIMESTAMP` (the hands-on's known weakness); `SEQ`
 * tells them apart.
 */

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))

// A fleet formats thousands of readings per second, nearly all in the same second: the last
// result is kept (per second, and per zone when one is fixed) and reused.
let cachedSecond = Number.NaN
let cachedOffset: number | undefined
let cachedText = ""

/** Formats epoch milliseconds as device-local `YYYY-MM-DDTHH:MM:SS`. */
export const formatDeviceTimestamp = (epochMs: number, utcOffsetMinutes?: number): string => {
  const second = Math.floor(epochMs / 1000)
  if (second === cachedSecond && utcOffsetMinutes === cachedOffset) return cachedText
  // Shift the instant by the offset and read it back in UTC: the fields are then local time.
  const offset = utcOffsetMinutes ?? -new Date(epochMs).getTimezoneOffset()
  const local = new Date(second * 1000 + offset * 60_000)
  const year = local.getUTCFullYear()
  cachedText = `${String(year).padStart(4, "0")}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}T${pad2(
    local.getUTCHours(),
  )}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}`
  cachedSecond = second
  cachedOffset = utcOffsetMinutes
  return cachedText
}

/** Hours since local midnight (fractional), for daily models. */
export const localHourOfDay = (epochMs: number, utcOffsetMinutes?: number): number => {
  const offset = utcOffsetMinutes ?? -new Date(epochMs).getTimezoneOffset()
  const msOfDay = (((epochMs + offset * 60_000) % 86_400_000) + 86_400_000) % 86_400_000
  return msOfDay / 3_600_000
}
