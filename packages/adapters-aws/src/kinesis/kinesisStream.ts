/**
 * The Stream port over Kinesis Data Streams (`@aws-sdk/client-kinesis`).
 *
 * - `putRecords` is exactly one PutRecords call. Entries that can never be accepted (partition
 *   key not 1–256 characters, data and key over the per-record limit) are answered `Poison`
 *   without being sent, so one bad entry cannot fail its neighbours; a call over the count or
 *   byte limit is the caller's bug and fails `Fatal`. Per-entry errors are classified by
 *   kinesisErrors.ts. Like Kinesis itself this does not keep order across a partial failure:
 *   use orderedProducer.ts for that.
 * - `listShards` pages through ListShards (open and closed shards) and returns ids sorted.
 * - `read` turns a position into a shard iterator (cached, see shardIterators.ts) and makes one
 *   GetRecords call of at most `limit` (≤ 10,000) records. An expired cached iterator is
 *   replaced once. Kinesis may answer a GetRecords with no records while the shard still holds
 *   later ones; `next` then stays where it was, and polling again moves on. After an empty read
 *   `next` is the same position and the iterator cache keeps the place — so a poller from
 *   `LATEST` sees what arrives after its first read; another adapter instance given `LATEST`
 *   starts at the tip again (the port has no opaque position). An `AT_TIMESTAMP` in the future
 *   reads as empty (Kinesis refuses the iterator).
 *
 * Errors of whole calls are Throttled, Retryable or Fatal (kinesisErrors.ts); nothing here
 * retries — retries and their backoff are the caller's policy. Over kinesalite pass
 * `requestHandler: new NodeHttpHandler()`: the SDK's Kinesis client speaks HTTP/2 by default.
 */
import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from "@aws-sdk/client-kinesis"
import {
  type BatchLimits,
  Fatal,
  kinesisPutRecords,
  Poison,
  type PutEntryResult,
  type ReadResult,
  Retryable,
  type StartPosition,
  Stream,
  type StreamEntry,
  type StreamRecord,
  utf8Length,
} from "@sluice/core"
import { Clock, Effect, Layer } from "effect"
import { awsErrorFacts } from "../awsError.ts"
import { GET_RECORDS_MAX_LIMIT, type KinesisApi, PARTITION_KEY_MAX_CHARS } from "./kinesisApi.ts"
import {
  classifyEntryError,
  classifyKinesisError,
  isExpiredIterator,
  type KinesisCallError,
} from "./kinesisErrors.ts"
import { positionKey, ShardIteratorCache } from "./shardIterators.ts"

export interface KinesisStreamOptions {
  readonly client: KinesisApi
  readonly streamName: string
  /** PutRecords limits; default Kinesis's (500 records, 5 MiB, 1 MiB per record). */
  readonly limits?: BatchLimits
  /** Shared between adapters of one stream to share iterators; default a fresh cache. */
  readonly iterators?: ShardIteratorCache
}

class ExpiredIterator {
  readonly _tag = "ExpiredIterator"
}

class FutureTimestamp {
  readonly _tag = "FutureTimestamp"
}

// Kinesis: "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis".
const isFutureTimestamp = (error: unknown) => {
  const facts = awsErrorFacts(error)
  return facts.name === "InvalidArgumentException" && /timestamp.*greater than/i.test(facts.message)
}

const call = <A>(operation: string, send: () => Promise<A>): Effect.Effect<A, KinesisCallError> =>
  Effect.tryPromise({ try: send, catch: (error) => classifyKinesisError(error, operation) })

/** Why an entry can never be put, or undefined when it can. */
const entryProblem = (entry: StreamEntry, limits: BatchLimits): string | undefined => {
  const keyChars = [...entry.partitionKey].length
  if (keyChars < 1 || keyChars > PARTITION_KEY_MAX_CHARS)
    return `partition key has ${keyChars} characters; Kinesis takes 1 to ${PARTITION_KEY_MAX_CHARS}`
  const bytes = entry.data.length + utf8Length(entry.partitionKey)
  if (bytes > limits.maxRecordBytes)
    return `record is ${bytes} bytes with its partition key, over the ${limits.maxRecordBytes}-byte limit per record`
  return undefined
}

const toRequestEntry = (entry: StreamEntry): PutRecordsRequestEntry =>
  entry.explicitHashKey === undefined
    ? { PartitionKey: entry.partitionKey, Data: entry.data }
    : { PartitionKey: entry.partitionKey, Data: entry.data, ExplicitHashKey: entry.explicitHashKey }

const iteratorRequest = (streamName: string, shardId: string, from: StartPosition) => {
  switch (from.type) {
    case "TRIM_HORIZON":
    case "LATEST":
      return { StreamName: streamName, ShardId: shardId, ShardIteratorType: from.type }
    case "AT_SEQUENCE_NUMBER":
    case "AFTER_SEQUENCE_NUMBER":
      return {
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: from.type,
        StartingSequenceNumber: from.sequenceNumber,
      }
    case "AT_TIMESTAMP":
      return {
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: from.type,
        Timestamp: new Date(from.timestamp),
      }
  }
}

export const make = (options: KinesisStreamOptions): Stream["Service"] => {
  const { client, streamName } = options
  const limits = options.limits ?? kinesisPutRecords
  const iterators = options.iterators ?? new ShardIteratorCache()

  const putRecords = (entries: ReadonlyArray<StreamEntry>) =>
    Effect.gen(function* () {
      if (entries.length === 0) return []
      if (entries.length > limits.maxCount)
        return yield* new Fatal({
          reason: `PutRecords of ${entries.length} entries exceeds ${limits.maxCount}`,
        })
      const results: PutEntryResult[] = new Array(entries.length)
      const sent: number[] = []
      let bytes = 0
      entries.forEach((entry, i) => {
        const problem = entryProblem(entry, limits)
        if (problem === undefined) {
          sent.push(i)
          bytes += entry.data.length + utf8Length(entry.partitionKey)
        } else results[i] = { _tag: "Failed", error: new Poison({ reason: problem }) }
      })
      if (bytes > limits.maxBytes)
        return yield* new Fatal({ reason: `PutRecords of ${bytes} bytes exceeds ${limits.maxBytes}` })
      if (sent.length === 0) return results
      const answer = yield* call("PutRecords", () =>
        client.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: sent.map((i) => toRequestEntry(entries[i] as StreamEntry)),
          }),
        ),
      )
      const answered = answer.Records ?? []
      if (answered.length !== sent.length)
        return yield* new Fatal({
          reason: `PutRecords answered ${answered.length} results for ${sent.length} entries`,
        })
      answered.forEach((result, j) => {
        const i = sent[j] as number
        results[i] =
          result.ErrorCode === undefined &&
          result.ShardId !== undefined &&
          result.SequenceNumber !== undefined
            ? { _tag: "Put", shardId: result.ShardId, sequenceNumber: result.SequenceNumber }
            : {
                _tag: "Failed",
                error: classifyEntryError(result.ErrorCode ?? "InternalFailure", result.ErrorMessage),
              }
      })
      return results
    })

  const listShards = () =>
    Effect.gen(function* () {
      const ids: string[] = []
      let nextToken: string | undefined
      do {
        // ListShards rejects StreamName together with NextToken.
        const input: { StreamName?: string; NextToken?: string } =
          nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken }
        const page = yield* call("ListShards", () => client.send(new ListShardsCommand(input)))
        for (const shard of page.Shards ?? []) if (shard.ShardId) ids.push(shard.ShardId)
        nextToken = page.NextToken
      } while (nextToken !== undefined)
      return ids.sort()
    })

  /** A new iterator; undefined when `from` is a time the stream has not reached yet. */
  const freshIterator = (shardId: string, from: StartPosition) =>
    Effect.tryPromise({
      try: () => client.send(new GetShardIteratorCommand(iteratorRequest(streamName, shardId, from))),
      catch: (error): KinesisCallError | FutureTimestamp =>
        from.type === "AT_TIMESTAMP" && isFutureTimestamp(error)
          ? new FutureTimestamp()
          : classifyKinesisError(error, "GetShardIterator"),
    }).pipe(
      Effect.flatMap((answer) =>
        answer.ShardIterator === undefined
          ? Effect.fail(new Fatal({ reason: `GetShardIterator gave no iterator for ${shardId}` }))
          : Effect.succeed<string | undefined>(answer.ShardIterator),
      ),
      Effect.catch((error) =>
        error instanceof FutureTimestamp ? Effect.succeed(undefined) : Effect.fail(error),
      ),
    )

  const getRecords = (iterator: string, limit: number) =>
    Effect.tryPromise({
      try: () => client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit })),
      catch: (error): KinesisCallError | ExpiredIterator =>
        isExpiredIterator(error) ? new ExpiredIterator() : classifyKinesisError(error, "GetRecords"),
    })

  const read = (shardId: string, from: StartPosition, limit: number) =>
    Effect.gen(function* () {
      const capped = Math.max(1, Math.min(GET_RECORDS_MAX_LIMIT, Math.floor(limit)))
      const key = positionKey(shardId, from)
      const now = yield* Clock.currentTimeMillis
      // Kinesis refuses an AT_TIMESTAMP iterator in the future; nothing has arrived there yet.
      const nothingYet: ReadResult = { records: [], next: from, millisBehindLatest: 0 }
      if (from.type === "AT_TIMESTAMP" && from.timestamp > now) return nothingYet
      const cached = iterators.get(key, now)
      let answer: GetRecordsCommandOutput
      if (cached === undefined) {
        const iterator = yield* freshIterator(shardId, from)
        if (iterator === undefined) return nothingYet
        answer = yield* getRecordsFresh(getRecords(iterator, capped))
      } else {
        answer = yield* getRecords(cached, capped).pipe(
          Effect.catch((error) => {
            if (!(error instanceof ExpiredIterator)) return Effect.fail(error)
            iterators.delete(key)
            return getRecordsFresh(
              Effect.flatMap(freshIterator(shardId, from), (it) =>
                it === undefined
                  ? Effect.succeed({ $metadata: {} } as GetRecordsCommandOutput)
                  : getRecords(it, capped),
              ),
            )
          }),
        )
      }
      const records: StreamRecord[] = (answer.Records ?? []).map((record) => ({
        shardId,
        sequenceNumber: record.SequenceNumber ?? "",
        partitionKey: record.PartitionKey ?? "",
        data: record.Data ?? new Uint8Array(0),
        approximateArrivalTimestamp: record.ApproximateArrivalTimestamp?.getTime() ?? now,
      }))
      const last = records[records.length - 1]
      const next: StartPosition =
        last === undefined ? from : { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: last.sequenceNumber }
      const nextKey = positionKey(shardId, next)
      if (nextKey !== key) iterators.delete(key)
      // A closed shard read to its end has no next iterator; later reads ask Kinesis afresh.
      if (answer.NextShardIterator) iterators.set(nextKey, answer.NextShardIterator, now)
      else iterators.delete(nextKey)
      const result: ReadResult = { records, next, millisBehindLatest: answer.MillisBehindLatest ?? 0 }
      return result
    })

  return Stream.of({ name: streamName, limits, putRecords, listShards, read })
}

/** A fresh iterator that expired at once (a stalled call, clock skew): try again later. */
const getRecordsFresh = <A, R>(effect: Effect.Effect<A, KinesisCallError | ExpiredIterator, R>) =>
  Effect.mapError(effect, (error) =>
    error instanceof ExpiredIterator
      ? new Retryable({ reason: "Kinesis GetRecords: a fresh shard iterator had already expired" })
      : error,
  )

export const layer = (options: KinesisStreamOptions): Layer.Layer<Stream> =>
  Layer.succeed(Stream, make(options))
