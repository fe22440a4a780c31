/**
 * The consumer's hot path: a Kinesis event's records in, user records with a verdict out.
 *
 * Per Kinesis record: base64 decode; KPL deaggregation (a record without the KPL magic passes
 * through as one user record; an aggregate whose MD5 or protobuf is wrong is one poison entry
 * with the reason); then each user record's payload is decoded and validated as a hands-on
 * reading (`decodeReading`: size, UTF-8, JSON, fields). A trailing separator (`\n`, `\r\n`)
 * needs no special case — it is JSON whitespace. Every entry keeps its Kinesis coordinates
 * (record index, sequence number, KPL sub-sequence index) so outcomes map back to the record
 * Lambda must retry from, and dead letters say exactly where the record was.
 *
 * Plain synchronous code by design (decision 0002): nothing here allocates an Effect.
 */
import { deaggregate, hasKplMagic } from "../batching/kpl.ts"
import { eventIdOf } from "../telemetry/envelope.ts"
import { decodeReading } from "../telemetry/handsOnCodec.ts"
import type { Reading } from "../telemetry/reading.ts"
import type { KinesisStreamEvent } from "./kinesisEvent.ts"

/** Why an entry can never be written: the reason, and the field at fault when there is one. */
export interface PoisonVerdict {
  readonly reason: string
  readonly field: string | undefined
}

/** One user record of the batch: a valid reading, or poison. */
export interface Entry {
  /** Position of the entry in the batch (shard order, sub-records in aggregate order). */
  readonly position: number
  /** Position of its Kinesis record in `event.Records`. */
  readonly recordIndex: number
  readonly sequenceNumber: string
  /** Index within a KPL aggregate; undefined for a plain record or a corrupt aggregate. */
  readonly subSequenceNumber: number | undefined
  /** The user record's partition key: the unit of order in ordered mode. */
  readonly partitionKey: string
  /** The reading's event id (device and sort key); undefined for poison. */
  readonly id: string | undefined
  readonly reading: Reading | undefined
  readonly poison: PoisonVerdict | undefined
  /** The user record's bytes: base64 text as delivered, or raw bytes of a KPL sub-record. */
  readonly payload: string | Uint8Array
}

const readingEntry = (
  position: number,
  recordIndex: number,
  sequenceNumber: string,
  subSequenceNumber: number | undefined,
  partitionKey: string,
  payload: string | Uint8Array,
  bytes: Uint8Array,
): Entry => {
  const decoded = decodeReading(bytes)
  if (decoded._tag === "Success") {
    const reading = decoded.success
    return {
      position,
      recordIndex,
      sequenceNumber,
      subSequenceNumber,
      partitionKey,
      id: eventIdOf(reading),
      reading,
      poison: undefined,
      payload,
    }
  }
  const { reason, field } = decoded.failure
  return poisonEntry(position, recordIndex, sequenceNumber, subSequenceNumber, partitionKey, payload, {
    reason,
    field,
  })
}

const poisonEntry = (
  position: number,
  recordIndex: number,
  sequenceNumber: string,
  subSequenceNumber: number | undefined,
  partitionKey: string,
  payload: string | Uint8Array,
  poison: PoisonVerdict,
): Entry => ({
  position,
  recordIndex,
  sequenceNumber,
  subSequenceNumber,
  partitionKey,
  id: undefined,
  reading: undefined,
  poison,
  payload,
})

/** Decodes every record of the event into entries, in shard order. Never throws on bad data. */
export const decodeKinesisEvent = (event: KinesisStreamEvent): Entry[] => {
  const records = event.Records
  const entries: Entry[] = []
  for (let recordIndex = 0; recordIndex < records.length; recordIndex++) {
    const { data, partitionKey, sequenceNumber } = (records[recordIndex] as KinesisStreamEvent["Records"][0])
      .kinesis
    const bytes = Buffer.from(data, "base64")
    if (!hasKplMagic(bytes)) {
      entries.push(
        readingEntry(entries.length, recordIndex, sequenceNumber, undefined, partitionKey, data, bytes),
      )
      continue
    }
    const split = deaggregate(bytes)
    if (split.kind === "aggregated") {
      const users = split.records
      for (let sub = 0; sub < users.length; sub++) {
        const user = users[sub] as (typeof users)[0]
        entries.push(
          readingEntry(
            entries.length,
            recordIndex,
            sequenceNumber,
            sub,
            user.partitionKey,
            user.data,
            user.data,
          ),
        )
      }
    } else if (split.kind === "corrupt") {
      entries.push(
        poisonEntry(entries.length, recordIndex, sequenceNumber, undefined, partitionKey, data, {
          reason: split.reason,
          field: undefined,
        }),
      )
    } else {
      entries.push(
        readingEntry(entries.length, recordIndex, sequenceNumber, undefined, partitionKey, data, bytes),
      )
    }
  }
  return entries
}
