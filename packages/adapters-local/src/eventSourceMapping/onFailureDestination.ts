/**
 * Where a local event source mapping sends what it discards.
 *
 * AWS sends only the on-failure record (coordinates, no data) to SQS or SNS. Locally there are
 * two kinds of destination:
 * - a callback, given the AWS-shaped record and the discarded records themselves;
 * - a DeadLetters store (`{ deadLetters }`): one letter per discarded record, with its data, its
 *   stream coordinates and the reason ("RetryAttemptsExhausted after 4 invocations: …"), so
 *   `sluice dlq list` shows them beside the consumer's own poison records. Ids are
 *   `esm/<stream>/<shard>/<sequence number>`: deterministic, so a re-sent discard is stored once.
 */
import {
  type DeadLetter,
  type DeadLettersLike,
  type DiscardedRecords,
  deadLettersServiceOf,
  type OnFailureRecord,
  type StreamRecord,
} from "@sluice/core"
import { Effect } from "effect"

export type OnFailureCallback = (
  failure: OnFailureRecord,
  records: ReadonlyArray<StreamRecord>,
) => Promise<void> | void

export type OnFailureDestination = OnFailureCallback | { readonly deadLetters: DeadLettersLike }

const base64 = (data: Uint8Array) =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64")

/** The dead letters for discarded records. */
export const deadLettersOfDiscard = (
  streamName: string,
  discarded: DiscardedRecords,
  now: number,
): ReadonlyArray<DeadLetter> => {
  const invocations = discarded.invokeCount === 1 ? "1 invocation" : `${discarded.invokeCount} invocations`
  const reason = `${discarded.condition} after ${invocations}: ${discarded.reason}`
  return discarded.records.map((record) => ({
    id: `esm/${streamName}/${record.shardId}/${record.sequenceNumber}`,
    reason,
    payload: base64(record.data),
    source: { stream: streamName, shardId: record.shardId, sequenceNumber: record.sequenceNumber },
    at: now,
  }))
}

/** A function that delivers one discard to the destination (resolves once stored). */
export const destinationSender = (
  destination: OnFailureDestination | undefined,
  streamName: string,
): ((failure: OnFailureRecord, discarded: DiscardedRecords, now: number) => Promise<void>) => {
  if (destination === undefined) return async () => {}
  if (typeof destination === "function")
    return async (failure, discarded) => {
      await destination(failure, discarded.records)
    }
  const service = deadLettersServiceOf(destination.deadLetters)
  return (_failure, discarded, now) =>
    Effect.runPromise(service.put(deadLettersOfDiscard(streamName, discarded, now)))
}
