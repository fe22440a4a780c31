/**
 * Per-device tumbling-window aggregates: count, min, max and mean of each numeric field, per
 * minute and per hour by default (docs/decisions/1002-aggregates-and-late-readings.md).
 *
 * Windows are in event time — the reading's own `TIMESTAMP`, UTC-aligned — and per device. The
 * device's watermark is the newest reading time it has sent. The rule for late readings:
 *
 * - a window is open until the device's watermark passes its end plus the allowed lateness
 *   (default 2 minutes); then it is closed — its view is written with `closed: true` and it
 *   leaves the state;
 * - a reading whose finest window (the minute) is already closed is late: it counts in no window
 *   and is dropped with a reason, counted in the device's `<device>/late` view (total, and the
 *   last late reading's id and reason). The reading itself is still in the table and the lake —
 *   only the aggregates leave it out, so it is not dead-lettered;
 * - lateness is judged at the finest resolution only, so a reading counts in all of its windows
 *   or in none, and an hour always equals the sum of its minutes.
 *
 * A reading seen before in an open window (same event id: device + sort key) is a duplicate and
 * changes nothing; the sort keys counted in each open minute are kept as an exact set of runs
 * (sortKeySet.ts), so the state stays small at any rate of readings. Counts, min and max are order-independent, sums exact (exactSum.ts), so any
 * order of the same readings within the allowed lateness gives the same windows, bit for bit;
 * past it, what is late depends on arrival order, as it must. Limits: a device whose clock jumps
 * ahead closes its windows early (later readings of the true time are late); a device that
 * stops sending leaves its last windows open (with values that are already complete).
 */
import type { JsonObject } from "../telemetry/json.ts"
import { fingerprintOf, type Projection, type PutView } from "./projection.ts"
import { addSortKey, hasSortKey, type SortKeySet, sortKeySetOf } from "./sortKeySet.ts"
import {
  addToWindow,
  emptyWindow,
  measuresOf,
  type WindowStats,
  windowKey,
  windowView,
} from "./windowStats.ts"

export interface WindowResolution {
  /** Names the resolution in view keys: `<device>/<name>/<start>`. */
  readonly name: string
  readonly ms: number
}

export const MINUTE: WindowResolution = { name: "minute", ms: 60_000 }
export const HOUR: WindowResolution = { name: "hour", ms: 3_600_000 }
export const DEFAULT_ALLOWED_LATENESS_MS = 120_000

export interface WindowAggregatesOptions {
  /** Default "aggregates". */
  readonly name?: string
  /** Default 1. */
  readonly version?: number
  /** Finest first; each a multiple of the first. Default minute and hour. */
  readonly resolutions?: ReadonlyArray<WindowResolution>
  /** How long past its end (in the device's event time) a window still takes readings. Default 2 min. */
  readonly allowedLatenessMs?: number
  /** Fields to aggregate. Default: every finite number of the reading but SEQ and TIMESTAMP. */
  readonly fields?: ReadonlyArray<string>
}

export type AggregatesState = {
  /** The newest reading time of the device, epoch ms; null before the first. */
  readonly watermark: number | null
  /** Open windows per resolution, by start (epoch ms as text). */
  readonly open: Readonly<Record<string, Readonly<Record<string, WindowStats>>>>
  /** Sort keys counted in each open finest window, by its start: the duplicate check. */
  readonly counted: Readonly<Record<string, SortKeySet>>
  readonly late: number
  /** The same as plain lists, as states stored before `counted` hold it (read, then replaced). */
  readonly seen?: Readonly<Record<string, ReadonlyArray<string>>>
}

export const initialAggregates: AggregatesState = { watermark: null, open: {}, counted: {}, late: 0 }

/** A state as stored before `counted`: its lists of sort keys become sets. */
const upgraded = (state: AggregatesState): AggregatesState => {
  if (state.seen === undefined) return state
  const counted: Record<string, SortKeySet> = { ...(state.counted ?? {}) }
  for (const [start, keys] of Object.entries(state.seen)) counted[start] = sortKeySetOf(keys)
  return { watermark: state.watermark, open: state.open, counted, late: state.late }
}

const floorTo = (t: number, ms: number) => Math.floor(t / ms) * ms

export const windowAggregates = (options: WindowAggregatesOptions = {}): Projection<AggregatesState> => {
  const resolutions = options.resolutions ?? [MINUTE, HOUR]
  const lateness = options.allowedLatenessMs ?? DEFAULT_ALLOWED_LATENESS_MS
  const finest = resolutions[0]
  if (finest === undefined) throw new RangeError("windowAggregates needs at least one resolution")
  for (const r of resolutions) {
    if (
      !Number.isSafeInteger(r.ms) ||
      r.ms <= 0 ||
      r.ms % finest.ms !== 0 ||
      !/^[a-z0-9][a-z0-9_-]*$/.test(r.name)
    )
      throw new RangeError(
        `resolution ${r.name}: a positive whole number of ms, a multiple of ${finest.name}'s, named with a-z 0-9 _ -`,
      )
  }
  if (!(lateness >= 0) || !Number.isFinite(lateness))
    throw new RangeError(`allowedLatenessMs must be ≥ 0, got ${lateness}`)
  const config = {
    resolutions: resolutions.map((r) => ({ name: r.name, ms: r.ms })),
    lateness,
    fields: options.fields === undefined ? null : [...options.fields],
  }

  return {
    name: options.name ?? "aggregates",
    version: options.version ?? 1,
    fingerprint: fingerprintOf(config),
    initial: initialAggregates,
    apply: (stored, event) => {
      const state = upgraded(stored)
      const { deviceId, epochMs: t, sortKey } = event.reading
      const finestStart = floorTo(t, finest.ms)
      const watermark = state.watermark
      if (watermark !== null && finestStart + finest.ms + lateness <= watermark) {
        const late = state.late + 1
        const reason = `late: its ${finest.name} window ended more than ${lateness} ms before the device's newest reading (${new Date(watermark).toISOString()})`
        const view: JsonObject = {
          deviceId,
          late,
          lastLate: { id: event.id, time: event.reading.time, reason },
        }
        return {
          state: { ...state, late },
          intents: [{ _tag: "PutView", key: `${deviceId}/late`, value: view }],
        }
      }
      const countedKey = String(finestStart)
      const counted = state.counted[countedKey] ?? []
      if (hasSortKey(counted, sortKey)) return { state, intents: [] }

      const measures = measuresOf(event.reading.fields, options.fields)
      const open: Record<string, Record<string, WindowStats>> = {}
      const touched: Array<readonly [WindowResolution, WindowStats]> = []
      for (const r of resolutions) {
        const start = floorTo(t, r.ms)
        const windows = { ...(state.open[r.name] ?? {}) }
        const window = addToWindow(windows[String(start)] ?? emptyWindow(start), measures)
        windows[String(start)] = window
        open[r.name] = windows
        touched.push([r, window])
      }
      const nextWatermark = watermark === null ? t : Math.max(watermark, t)
      const nextCounted: Record<string, SortKeySet> = {
        ...state.counted,
        [countedKey]: addSortKey(counted, sortKey),
      }

      // Close every window the watermark has passed by more than the allowed lateness.
      const intents: PutView[] = []
      const closedKeys = new Set<string>()
      for (const r of resolutions) {
        const windows = open[r.name] as Record<string, WindowStats>
        for (const start of Object.keys(windows)) {
          const window = windows[start] as WindowStats
          if (window.start + r.ms + lateness > nextWatermark) continue
          delete windows[start]
          if (r === finest) delete nextCounted[start]
          const key = windowKey(deviceId, r.name, window.start)
          closedKeys.add(key)
          intents.push({ _tag: "PutView", key, value: windowView(deviceId, r.name, r.ms, window, true) })
        }
      }
      for (const [r, window] of touched) {
        const key = windowKey(deviceId, r.name, window.start)
        if (!closedKeys.has(key))
          intents.push({ _tag: "PutView", key, value: windowView(deviceId, r.name, r.ms, window, false) })
      }
      return { state: { watermark: nextWatermark, open, counted: nextCounted, late: state.late }, intents }
    },
  }
}
