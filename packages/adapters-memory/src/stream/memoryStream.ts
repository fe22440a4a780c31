/**
 * The Stream port in memory, with seeded faults — Kinesis's awkward parts included.
 *
 * Records go to shards by the MD5 of their partition key, as on Kinesis. Sequence numbers are
 * one counter for the whole stream starting at 1, so they grow in length ("9", then "10"): a
 * consumer that compares them as text instead of as numbers fails here first.
 *
 * Faults (drawn from a seeded PRNG, so a seed replays exactly):
 * - `throttle`: the whole call fails with Throttled (LimitExceeded), nothing appended;
 * - `partial`: each entry independently fails with Throttled
 *   (ProvisionedThroughputExceededException) and the others are appended — so, exactly as on
 *   Kinesis, a key's later record can land before an earlier one that a caller then retries.
 *   Callers that need per-key order use core's `planOrderedCall`;
 * - `readThrottle`: a read fails with Throttled.
 *
 *     put [a1 a2]   a1 fails, a2 lands        shard: a2
 *     retry [a1]    a1 lands                  shard: a2 a1   ← order of key a broken
 *
 * `now` drives arrival timestamps (tests of record age). `memoryStream()` is the plain-Promise
 * facade; `state` exposes the shards to tests.
 */
import {
  type BatchLimits,
  Fatal,
  kinesisPutRecords,
  Poison,
  type PutEntryResult,
  type ReadResult,
  type StartPosition,
  Stream,
  type StreamEntry,
  type StreamError,
  type StreamRecord,
  Throttled,
} from "@sluice/core"
import { Effect, Layer } from "effect"
import { seededRandom } from "../seededRandom.ts"
import { isValidHashKey, shardIdOf, shardIndexOf } from "./shardOfKey.ts"

export interface StreamFaultPlan {
  readonly throttle?: number
  readonly partial?: number
  readonly readThrottle?: number
}

export interface MemoryStreamOptions {
  readonly name?: string
  readonly shardCount?: number
  readonly faults?: StreamFaultPlan
  readonly seed?: number
  readonly limits?: BatchLimits
  readonly now?: () => number
}

export interface MemoryStreamState {
  readonly shards: ReadonlyArray<{ readonly shardId: string; readonly records: StreamRecord[] }>
  nextSequence: bigint
  readonly faults: { throttled: number; failedEntries: number; readsThrottled: number }
}

const MAX_PARTITION_KEY_CHARS = 256
const encoder = new TextEncoder()

const compareDecimal = (a: string, b: string): number => {
  const x = BigInt(a)
  const y = BigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** Index of the first record at or after a position, and the pinned position for LATEST. */
const startIndex = (records: ReadonlyArray<StreamRecord>, from: StartPosition): number => {
  const firstWhere = (test: (record: StreamRecord) => boolean) => {
    const index = records.findIndex(test)
    return index === -1 ? records.length : index
  }
  switch (from.type) {
    case "TRIM_HORIZON":
      return 0
    case "LATEST":
      return records.length
    case "AT_SEQUENCE_NUMBER":
      return firstWhere((r) => compareDecimal(r.sequenceNumber, from.sequenceNumber) >= 0)
    case "AFTER_SEQUENCE_NUMBER":
      return firstWhere((r) => compareDecimal(r.sequenceNumber, from.sequenceNumber) > 0)
    case "AT_TIMESTAMP":
      return firstWhere((r) => r.approximateArrivalTimestamp >= from.timestamp)
  }
}

export const makeState = (options: MemoryStreamOptions = {}): MemoryStreamState => ({
  shards: Array.from({ length: options.shardCount ?? 2 }, (_, i) => ({ shardId: shardIdOf(i), records: [] })),
  nextSequence: 1n,
  faults: { throttled: 0, failedEntries: 0, readsThrottled: 0 },
})

export const makeService = (
  state: MemoryStreamState,
  options: MemoryStreamOptions = {},
): Stream["Service"] => {
  const limits = options.limits ?? kinesisPutRecords
  const faults = options.faults ?? {}
  const random = seededRandom(options.seed ?? 1)
  const now = options.now ?? Date.now
  const draw = (p: number | undefined) => p !== undefined && p > 0 && random.next() < p

  const putRecords = (
    entries: ReadonlyArray<StreamEntry>,
  ): Effect.Effect<ReadonlyArray<PutEntryResult>, StreamError> =>
    Effect.suspend((): Effect.Effect<ReadonlyArray<PutEntryResult>, StreamError> => {
      if (entries.length > limits.maxCount)
        return Effect.fail(
          new Fatal({ reason: `PutRecords of ${entries.length} entries, over ${limits.maxCount}` }),
        )
      let bytes = 0
      for (const entry of entries) bytes += encoder.encode(entry.partitionKey).length + entry.data.length
      if (bytes > limits.maxBytes)
        return Effect.fail(new Fatal({ reason: `PutRecords of ${bytes} bytes, over ${limits.maxBytes}` }))
      if (draw(faults.throttle)) {
        state.faults.throttled++
        return Effect.fail(new Throttled({ reason: "simulated LimitExceededException" }))
      }
      const arrival = now()
      return Effect.succeed(
        entries.map((entry): PutEntryResult => {
          const chars = [...entry.partitionKey].length
          const size = encoder.encode(entry.partitionKey).length + entry.data.length
          const problem =
            chars < 1 || chars > MAX_PARTITION_KEY_CHARS
              ? `partition key must be 1 to ${MAX_PARTITION_KEY_CHARS} characters, not ${chars}`
              : size > limits.maxRecordBytes
                ? `record is ${size} bytes with its partition key, over the ${limits.maxRecordBytes}-byte limit`
                : entry.explicitHashKey !== undefined && !isValidHashKey(entry.explicitHashKey)
                  ? `explicit hash key "${entry.explicitHashKey}" is not a decimal integer below 2^128`
                  : undefined
          if (problem !== undefined) return { _tag: "Failed", error: new Poison({ reason: problem }) }
          if (draw(faults.partial)) {
            state.faults.failedEntries++
            return {
              _tag: "Failed",
              error: new Throttled({ reason: "simulated ProvisionedThroughputExceededException" }),
            }
          }
          const shard =
            state.shards[shardIndexOf(entry.partitionKey, state.shards.length, entry.explicitHashKey)]!
          const sequenceNumber = String(state.nextSequence++)
          shard.records.push({
            shardId: shard.shardId,
            sequenceNumber,
            partitionKey: entry.partitionKey,
            data: entry.data,
            approximateArrivalTimestamp: arrival,
          })
          return { _tag: "Put", shardId: shard.shardId, sequenceNumber }
        }),
      )
    })

  const read = (
    shardId: string,
    from: StartPosition,
    limit: number,
  ): Effect.Effect<ReadResult, StreamError> =>
    Effect.suspend((): Effect.Effect<ReadResult, StreamError> => {
      const shard = state.shards.find((s) => s.shardId === shardId)
      if (shard === undefined) return Effect.fail(new Fatal({ reason: `no shard ${shardId}` }))
      if (draw(faults.readThrottle)) {
        state.faults.readsThrottled++
        return Effect.fail(
          new Throttled({ reason: "simulated GetRecords ProvisionedThroughputExceededException" }),
        )
      }
      const start = startIndex(shard.records, from)
      const records = shard.records.slice(start, start + Math.max(1, Math.min(limit, 10_000)))
      const last = records[records.length - 1]
      const tip = shard.records[shard.records.length - 1]
      const next: StartPosition =
        last !== undefined
          ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: last.sequenceNumber }
          : from.type === "LATEST"
            ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: tip?.sequenceNumber ?? "0" }
            : from
      const millisBehindLatest =
        last === undefined || last === tip
          ? 0
          : Math.max(0, (tip as StreamRecord).approximateArrivalTimestamp - last.approximateArrivalTimestamp)
      return Effect.succeed({ records, next, millisBehindLatest })
    })

  return Stream.of({
    name: options.name ?? "memory-stream",
    limits,
    putRecords,
    listShards: () => Effect.succeed(state.shards.map((s) => s.shardId)),
    read,
  })
}

export const make = (options: MemoryStreamOptions = {}): Stream["Service"] =>
  makeService(makeState(options), options)

export const layer = (options: MemoryStreamOptions = {}): Layer.Layer<Stream> =>
  Layer.sync(Stream, () => make(options))

/** A memory stream with plain-Promise methods, and its state for tests. */
export const memoryStream = (options: MemoryStreamOptions = {}) => {
  const state = makeState(options)
  const service = makeService(state, options)
  return {
    service,
    state,
    name: service.name,
    limits: service.limits,
    putRecords: (entries: ReadonlyArray<StreamEntry>) => Effect.runPromise(service.putRecords(entries)),
    listShards: () => Effect.runPromise(service.listShards()),
    read: (shardId: string, from: StartPosition, limit: number) =>
      Effect.runPromise(service.read(shardId, from, limit)),
  }
}
export type MemoryStream = ReturnType<typeof memoryStream>
