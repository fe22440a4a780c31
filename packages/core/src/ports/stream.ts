/**
 * Port: the stream — Kinesis Data Streams as the pipeline needs it.
 *
 * Records are appended by partition key into shards; within a shard they are read back in
 * sequence-number order. `putRecords` is one PutRecords call: it may fail per entry, and like
 * Kinesis it does not keep order across a partial failure — callers that need per-key order
 * plan their calls with `planOrderedCall` (core/delivery/orderedPuts.ts). An entry is durable
 * when the call returns it as `Put`: that is the moment a broker may acknowledge a publish.
 *
 * Sequence numbers are decimal strings; compare them as numbers (their lengths may differ).
 */
import { Context, type Effect } from "effect"
import type { BatchLimits } from "../batching/limits.ts"
import type { Fatal, Poison, Retryable, Throttled } from "../delivery/errors.ts"

export interface StreamEntry {
  readonly partitionKey: string
  readonly data: Uint8Array
  /** Overrides the partition key's hash when choosing a shard (Kinesis ExplicitHashKey). */
  readonly explicitHashKey?: string
}

export type PutEntryResult =
  | { readonly _tag: "Put"; readonly shardId: string; readonly sequenceNumber: string }
  | { readonly _tag: "Failed"; readonly error: Retryable | Throttled | Poison }

export interface StreamRecord {
  readonly shardId: string
  readonly sequenceNumber: string
  readonly partitionKey: string
  readonly data: Uint8Array
  /** When the stream accepted the record, epoch milliseconds. */
  readonly approximateArrivalTimestamp: number
}

export type StartPosition =
  | { readonly type: "TRIM_HORIZON" }
  | { readonly type: "LATEST" }
  | { readonly type: "AT_SEQUENCE_NUMBER"; readonly sequenceNumber: string }
  | { readonly type: "AFTER_SEQUENCE_NUMBER"; readonly sequenceNumber: string }
  | { readonly type: "AT_TIMESTAMP"; readonly timestamp: number }

export interface ReadResult {
  /** In sequence-number order. */
  readonly records: ReadonlyArray<StreamRecord>
  /** Position to read from next (after the last record returned, or unchanged when none). */
  readonly next: StartPosition
  /** How far the last record returned is behind the shard's tip, in milliseconds. */
  readonly millisBehindLatest: number
}

export type StreamError = Retryable | Throttled | Fatal

export class Stream extends Context.Service<
  Stream,
  {
    /** The stream's name (a Kinesis stream name, or the local log's). */
    readonly name: string
    /** PutRecords limits: count, bytes per call, bytes per record. */
    readonly limits: BatchLimits
    /** One PutRecords call; one result per entry, in entry order. */
    readonly putRecords: (
      entries: ReadonlyArray<StreamEntry>,
    ) => Effect.Effect<ReadonlyArray<PutEntryResult>, StreamError>
    /** The stream's shard ids, in a stable order. */
    readonly listShards: () => Effect.Effect<ReadonlyArray<string>, StreamError>
    /** Up to `limit` records of one shard from a position. */
    readonly read: (
      shardId: string,
      from: StartPosition,
      limit: number,
    ) => Effect.Effect<ReadResult, StreamError>
  }
>()("@sluice/core/ports/Stream") {}
