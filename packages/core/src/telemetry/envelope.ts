/**
 * The event envelope: a reading plus where it came from, under a deterministic id.
 *
 * The id is a function of the reading alone — device and time, plus the device's sequence
 * number when it sends one — so the same reading delivered twice, retried, or replayed from
 * history gets the same id. Table keys, the lake's dedupe and search `_id`s all use it, which is
 * what makes every write in the pipeline idempotent.
 */
import type { Reading } from "./reading.ts"

export interface TelemetryEvent {
  /** `<deviceId>/<sortKey>`: unique per distinct reading, identical across redeliveries. */
  readonly id: string
  readonly reading: Reading
  /** Where the event was read from, for dead letters and tracing (e.g. shard and sequence number). */
  readonly source?: EventSource
}

export interface EventSource {
  readonly stream?: string
  readonly shardId?: string
  readonly sequenceNumber?: string
  readonly subSequenceNumber?: number
  readonly topic?: string
}

/** The deterministic id of a reading. Device names cannot contain `/`, so the split is unambiguous. */
export const eventIdOf = (reading: Pick<Reading, "deviceId" | "sortKey">): string =>
  `${reading.deviceId}/${reading.sortKey}`

export const makeEvent = (reading: Reading, source?: EventSource): TelemetryEvent =>
  source === undefined ? { id: eventIdOf(reading), reading } : { id: eventIdOf(reading), reading, source }
