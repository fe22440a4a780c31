/**
 * The numbers behind one aggregate window: count, min, max and an exact sum per numeric field,
 * and the view record they become (count, min, max, mean per field).
 *
 * Everything here is a pure function over JSON values (the state is stored and carried as JSON),
 * and order-independent: min, max and counts trivially, sums through `exactSum.ts` — so a window
 * holds the same numbers whichever order its readings came in.
 */
import type { Json, JsonObject } from "../telemetry/json.ts"
import { addExact, totalExact } from "./exactSum.ts"

export type FieldStats = {
  readonly count: number
  readonly min: number
  readonly max: number
  /** Partials of the exact sum. */
  readonly sum: ReadonlyArray<number>
}

export type WindowStats = {
  /** Epoch ms of the window's start. */
  readonly start: number
  readonly count: number
  readonly fields: Readonly<Record<string, FieldStats>>
}

/** Fields never aggregated by default: the device's sequence number and an epoch timestamp. */
const NOT_MEASURES = new Set(["SEQ", "TIMESTAMP"])
/** Stats objects are built by assignment, which `__proto__` would turn into a prototype change. */
const UNSAFE_NAME = "__proto__"

/** The numeric fields of a reading to aggregate: `only` when given, else every finite number but SEQ and TIMESTAMP. */
export const measuresOf = (
  fields: JsonObject,
  only: ReadonlyArray<string> | undefined,
): Array<readonly [string, number]> => {
  const out: Array<readonly [string, number]> = []
  if (only !== undefined) {
    for (const name of only) {
      const value = fields[name]
      if (typeof value === "number" && Number.isFinite(value) && name !== UNSAFE_NAME) out.push([name, value])
    }
    return out
  }
  for (const name of Object.keys(fields)) {
    const value = fields[name]
    if (
      typeof value === "number" &&
      Number.isFinite(value) &&
      !NOT_MEASURES.has(name) &&
      name !== UNSAFE_NAME
    )
      out.push([name, value])
  }
  return out
}

export const emptyWindow = (start: number): WindowStats => ({ start, count: 0, fields: {} })

/** The window with one more reading. */
export const addToWindow = (
  window: WindowStats,
  measures: ReadonlyArray<readonly [string, number]>,
): WindowStats => {
  const fields: Record<string, FieldStats> = { ...window.fields }
  for (const [name, value] of measures) {
    const known = fields[name]
    fields[name] =
      known === undefined
        ? { count: 1, min: value, max: value, sum: [value] }
        : {
            count: known.count + 1,
            min: Math.min(known.min, value),
            max: Math.max(known.max, value),
            sum: addExact(known.sum, value),
          }
  }
  return { start: window.start, count: window.count + 1, fields }
}

/**
 * ISO text of a window's bounds, remembered: every view of a reading names its windows' start and
 * end, and the few distinct bounds of the open windows recur for every reading (formatting a Date
 * each time was the aggregates' largest cost). Bounded: cleared when full.
 */
const ISO_CACHE_SIZE = 4_096
const isoCache = new Map<number, string>()
const iso = (epochMs: number): string => {
  let text = isoCache.get(epochMs)
  if (text === undefined) {
    if (isoCache.size >= ISO_CACHE_SIZE) isoCache.clear()
    text = new Date(epochMs).toISOString()
    isoCache.set(epochMs, text)
  }
  return text
}

/** The view record of a window. */
export const windowView = (
  deviceId: string,
  resolution: string,
  durationMs: number,
  window: WindowStats,
  closed: boolean,
): JsonObject => {
  const fields: Record<string, Json> = {}
  for (const name of Object.keys(window.fields).sort()) {
    const stats = window.fields[name] as FieldStats
    fields[name] = {
      count: stats.count,
      min: stats.min,
      max: stats.max,
      mean: totalExact(stats.sum) / stats.count,
    }
  }
  return {
    deviceId,
    resolution,
    start: iso(window.start),
    end: iso(window.start + durationMs),
    count: window.count,
    fields,
    closed,
  }
}

/** The view key of a window: device, resolution, then the start as ISO text (sorts in time order). */
export const windowKey = (deviceId: string, resolution: string, start: number): string =>
  `${deviceId}/${resolution}/${iso(start)}`
