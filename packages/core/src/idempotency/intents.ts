/**
 * Write intents: what the table should hold after a reading, as data.
 *
 * A reading asks for two writes: the reading itself, keyed (deviceId, ts = its sort key), an
 * upsert that any retry or duplicate repeats harmlessly; and the device's latest-state record,
 * a projection of the device's history that only a newer reading may replace. Intents are
 * pure data, so the same decision runs against DynamoDB, SQLite, memory or PostgreSQL, and a
 * replay from history produces the very same writes.
 *
 * Items are `{ ...fields, deviceId, ts }`: every field as published, plus the two key
 * attributes. A payload field literally named `deviceId` or `ts` is overridden by the key.
 */
import type { Item } from "../ports/table.ts"
import type { Reading } from "../telemetry/reading.ts"

export type WriteIntent =
  /** Upsert the reading, keyed (deviceId, ts). */
  | {
      readonly _tag: "PutReading"
      readonly id: string
      readonly item: Item
      /**
       * An upper bound on `itemBytes(item)`, when the producer knows one without serializing
       * the item (the consumer does, from the payload's text); saves a JSON.stringify per item.
       */
      readonly bytes?: number | undefined
    }
  /** Replace the device's latest-state record if this one is newer (by ts). */
  | { readonly _tag: "PutLatestIfNewer"; readonly id: string; readonly item: Item }

/** The table item of a reading. */
export const itemOf = (reading: Reading): Item => ({
  ...reading.fields,
  deviceId: reading.deviceId,
  ts: reading.sortKey,
})

/** The intents of one reading; `id` is the reading's event id, so outcomes map back to it. */
export const intentsOf = (reading: Reading, id: string): ReadonlyArray<WriteIntent> => {
  const item = itemOf(reading)
  return [
    { _tag: "PutReading", id, item },
    { _tag: "PutLatestIfNewer", id, item },
  ]
}
