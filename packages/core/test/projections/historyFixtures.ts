/**
 * Readings and histories for projection tests: events built through the real codec, positioned
 * in a pretend shard, and a generator of device histories with duplicates and bounded reorders.
 */
import {
  eventOfItem,
  itemOf,
  type PositionedEvent,
  readingFromJson,
  streamPosition,
  type TelemetryEvent,
} from "@sluice/core"
import { Result } from "effect"
import fc from "fast-check"

export const T0 = Date.UTC(2026, 10, 26, 7, 0, 0)

export const iso = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 19)

/** A reading event of `device` at `epochMs` (whole seconds), through the hands-on codec. */
export const reading = (
  device: string,
  epochMs: number,
  fields: { TEMPERATURE?: number; HUMIDITY?: number; SEQ?: number; [extra: string]: unknown } = {},
): TelemetryEvent => {
  const payload = { DEVICE_NAME: device, TIMESTAMP: iso(epochMs), TEMPERATURE: 20, HUMIDITY: 50, ...fields }
  const decoded = readingFromJson(payload)
  if (Result.isFailure(decoded)) throw new Error(decoded.failure.message)
  // As stored: the item (fields + deviceId + ts), read back — what the stream and lake replay.
  const event = eventOfItem(itemOf(decoded.success))
  if (Result.isFailure(event)) throw new Error(event.failure)
  return event.success
}

/** Events at consecutive positions 1, 2, 3, … of one shard. */
export const positioned = (events: ReadonlyArray<TelemetryEvent>, from = 1): PositionedEvent[] =>
  events.map((event, i) => ({ event, position: streamPosition(String(from + i)) }))

export interface HistorySpec {
  readonly devices: ReadonlyArray<string>
  /** Readings, each a device index, a time offset (s) and a temperature. */
  readonly readings: ReadonlyArray<{ device: number; second: number; temperature: number; humidity: number }>
}

/**
 * Histories of a few devices over a few minutes: each device's readings move forward with jitter
 * (a reading may come up to `maxReorderSeconds` after a newer one — within the allowed lateness),
 * some readings are delivered twice, and temperatures sometimes leave 15–25.
 */
export const historyArb = (maxReorderSeconds: number) =>
  fc
    .record({
      devices: fc.constantFrom(["d-1"], ["d-1", "d-2"], ["d-1", "d-2", "d-3"]),
      steps: fc.array(
        fc.record({
          device: fc.nat(2),
          advance: fc.integer({ min: 0, max: 20 }),
          back: fc.integer({ min: 0, max: maxReorderSeconds }),
          temperature: fc.oneof(
            fc.integer({ min: 15, max: 25 }),
            fc.double({ min: -10, max: 45, noNaN: true }),
          ),
          humidity: fc.double({ min: 20, max: 80, noNaN: true }),
          duplicate: fc.boolean(),
        }),
        { maxLength: 60 },
      ),
    })
    .map(({ devices, steps }) => {
      const clocks = devices.map(() => 0)
      const readings: HistorySpec["readings"][number][] = []
      for (const step of steps) {
        const device = step.device % devices.length
        clocks[device] = (clocks[device] as number) + step.advance
        const second = Math.max(0, (clocks[device] as number) - step.back)
        const r = { device, second, temperature: step.temperature, humidity: step.humidity }
        readings.push(r)
        if (step.duplicate) readings.push(r)
      }
      return { devices, readings } as HistorySpec
    })

export const eventsOf = (spec: HistorySpec): TelemetryEvent[] =>
  spec.readings.map((r) =>
    reading(spec.devices[r.device] as string, T0 + r.second * 1000, {
      TEMPERATURE: r.temperature,
      HUMIDITY: r.humidity,
    }),
  )
