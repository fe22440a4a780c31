/**
 * Events of the history as projections see them: a `TelemetryEvent` and its position in its
 * source.
 *
 * The stream and the lake both hold stored items — `{ ...fields as published, deviceId, ts }` —
 * so an event is rebuilt from an item without decoding the payload again: the device and sort
 * key are the item's keys, the time is the sort key's time part, the instant parses from it (it
 * is canonical, see telemetry/timestamp.ts). The reading's `fields` are the item itself: the
 * published fields plus `deviceId` and `ts`, which are strings and so never aggregated. An item
 * whose keys are not a valid device and sort key is refused (a reading can never produce one).
 */
import { Result } from "effect"
import type { Item } from "../ports/table.ts"
import { type EventSource, eventIdOf, type TelemetryEvent } from "../telemetry/envelope.ts"
import { SEQUENCE_FIELD } from "../telemetry/limits.ts"
import { parseTimestamp } from "../telemetry/timestamp.ts"

export interface PositionedEvent {
  readonly event: TelemetryEvent
  /** The event's place in its source (positions.ts). */
  readonly position: string
}

/** The event of a stored item, or a reason it is not one. */
export const eventOfItem = (item: Item, source?: EventSource): Result.Result<TelemetryEvent, string> => {
  if (typeof item.deviceId !== "string" || typeof item.ts !== "string")
    return Result.fail("not a stored reading: deviceId and ts must be strings")
  const hash = item.ts.indexOf("#")
  const time = hash < 0 ? item.ts : item.ts.slice(0, hash)
  const parsed = parseTimestamp(time)
  if (Result.isFailure(parsed)) return Result.fail(`not a stored reading: ts ${item.ts}: ${parsed.failure}`)
  const seq = item[SEQUENCE_FIELD]
  const reading = {
    deviceId: item.deviceId,
    time,
    epochMs: parsed.success.epochMs,
    sortKey: item.ts,
    fields: item,
    ...(typeof seq === "number" ? { seq } : {}),
  }
  const id = eventIdOf(reading)
  return Result.succeed(source === undefined ? { id, reading } : { id, reading, source })
}
