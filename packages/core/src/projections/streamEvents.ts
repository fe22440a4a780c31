/**
 * Stream records as history: each record decoded exactly as the Kinesis consumer decodes it —
 * KPL aggregates split, every user record validated as a hands-on reading — and turned into a
 * positioned event. Records the consumer would dead-letter are counted and left out: they are in
 * the dead letters, not in the history of readings.
 */
import { Result } from "effect"
import { decodeKinesisEvent } from "../consumer/kinesisDecode.ts"
import type { KinesisStreamRecord } from "../consumer/kinesisEvent.ts"
import type { StreamRecord } from "../ports/stream.ts"
import type { Item } from "../ports/table.ts"
import { eventOfItem, type PositionedEvent } from "./historyEvent.ts"
import { streamPosition } from "./positions.ts"

export interface DecodedRecords {
  readonly events: PositionedEvent[]
  /** User records that are not readings (poison). */
  readonly invalid: number
}

const base64 = (data: Uint8Array) =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64")

export const eventsOfStreamRecords = (
  streamName: string,
  records: ReadonlyArray<StreamRecord>,
): DecodedRecords => {
  const asLambda: KinesisStreamRecord[] = records.map((record) => ({
    kinesis: {
      data: base64(record.data),
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
    },
  }))
  const events: PositionedEvent[] = []
  let invalid = 0
  for (const entry of decodeKinesisEvent({ Records: asLambda })) {
    if (entry.item === undefined) {
      invalid++
      continue
    }
    const record = records[entry.recordIndex] as StreamRecord
    const event = eventOfItem(entry.item as Item, {
      stream: streamName,
      shardId: record.shardId,
      sequenceNumber: entry.sequenceNumber,
      ...(entry.subSequenceNumber === undefined ? {} : { subSequenceNumber: entry.subSequenceNumber }),
    })
    if (Result.isFailure(event)) {
      invalid++
      continue
    }
    events.push({
      event: event.success,
      position: streamPosition(entry.sequenceNumber, entry.subSequenceNumber ?? 0),
    })
  }
  return { events, invalid }
}
