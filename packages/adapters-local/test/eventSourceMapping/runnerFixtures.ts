/**
 * Helpers for the runner's tests: records decoded back from a Kinesis event, a checkpoint store
 * that logs every stored value (to check they only move forward), fast retry settings.
 */
import type { Checkpoints, EsmKinesisEvent, RetryPolicy } from "@sluice/core"
import { Effect } from "effect"

export interface SeenRecord {
  readonly shardId: string
  readonly sequenceNumber: string
  readonly partitionKey: string
  readonly data: string
}

export const recordsOfEvent = (event: EsmKinesisEvent): SeenRecord[] =>
  event.Records.map((record) => ({
    shardId: record.eventID.slice(0, record.eventID.indexOf(":")),
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    data: Buffer.from(record.kinesis.data, "base64").toString("utf8"),
  }))

export const fastRetries: RetryPolicy = {
  baseDelayMs: 1,
  maxDelayMs: 5,
  maxAttempts: 1_000,
  maxElapsedMs: 60_000,
}

/** Wraps a checkpoint service, logging each successful set per shard. */
export const loggingCheckpoints = (inner: Checkpoints["Service"]) => {
  const sets = new Map<string, string[]>()
  const service: Checkpoints["Service"] = {
    get: inner.get,
    set: (consumer, shardId, sequenceNumber) =>
      Effect.tap(inner.set(consumer, shardId, sequenceNumber), () =>
        Effect.sync(() => sets.set(shardId, [...(sets.get(shardId) ?? []), sequenceNumber])),
      ),
  }
  return { service, sets }
}

export const seq = (s: string) => BigInt(s)
