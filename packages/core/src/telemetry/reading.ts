/**
 * A reading: one sensor message of one device, decoded.
 *
 * `HandsOnPayload` is the Effect Schema of what the hands-on device publishes — the
 * specification of a valid reading and the source of the error messages users see through
 * `validateHandsOnPayload`. The consumer's hot path decodes with the hand-written checks in
 * `handsOnCodec.ts` instead (a schema decode per record costs far more); a differential
 * property test holds the two to the same verdict on every input.
 */
import { Schema } from "effect"
import type { JsonObject } from "./json.ts"
import { DEVICE_NAME_PATTERN } from "./limits.ts"
import { parseTimestamp } from "./timestamp.ts"

export interface Reading {
  /** `DEVICE_NAME`, a valid AWS IoT thing name. */
  readonly deviceId: string
  /** The reading's time in canonical, sortable form (see timestamp.ts). */
  readonly time: string
  /** The reading's instant; zone-less device times are read as UTC. */
  readonly epochMs: number
  /** The device's sequence number (`SEQ`), when it sends one. */
  readonly seq?: number
  /**
   * The table's sort key and the reading's order within its device: the canonical time, then
   * `#` and the zero-padded sequence number when there is one, so two readings in the same
   * second stay distinct and in order.
   */
  readonly sortKey: string
  /** Every field exactly as published, extra fields included. */
  readonly fields: JsonObject
}

const ThingName = Schema.String.check(
  Schema.makeFilter(
    (s: string) => DEVICE_NAME_PATTERN.test(s) || "expected 1–128 characters of a-z A-Z 0-9 : _ -",
  ),
)

const Timestamp = Schema.Union([Schema.String, Schema.Number]).check(
  Schema.makeFilter((value: string | number) => {
    const parsed = parseTimestamp(value)
    return parsed._tag === "Success" || parsed.failure
  }),
)

/** The hands-on payload: four known fields, an optional sequence number, any extra fields. */
export const HandsOnPayload = Schema.StructWithRest(
  Schema.Struct({
    DEVICE_NAME: ThingName,
    TIMESTAMP: Timestamp,
    TEMPERATURE: Schema.Finite,
    HUMIDITY: Schema.Finite,
    SEQ: Schema.optionalKey(
      Schema.Int.check(Schema.isGreaterThanOrEqualTo(0), Schema.isLessThanOrEqualTo(Number.MAX_SAFE_INTEGER)),
    ),
  }),
  [Schema.Record(Schema.String, Schema.Unknown)],
)
export type HandsOnPayload = typeof HandsOnPayload.Type

/** Width of the zero-padded sequence number in a sort key: Number.MAX_SAFE_INTEGER has 16 digits. */
const SEQ_WIDTH = 16

/** The sort key of a reading at `time` with an optional sequence number. */
export const sortKeyOf = (time: string, seq: number | undefined): string =>
  seq === undefined ? time : `${time}#${String(seq).padStart(SEQ_WIDTH, "0")}`
