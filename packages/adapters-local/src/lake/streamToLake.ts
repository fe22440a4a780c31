/**
 * The lake's feeder: reads the durable stream, hands records to the local delivery stream, and
 * checkpoints each shard only as far as the lake is durable.
 *
 *     stream log ──read──▶ putRecordBatch ──buffer──▶ object written ──▶ durableCount ──▶ checkpoint
 *
 * A record is checkpointed once every record the delivery stream accepted before it is in a
 * written object (LakeProgress.durableCount), so a crash at any point loses nothing: on restart
 * the feeder resumes after the last checkpoint and the records whose objects were not yet
 * written are read and delivered again. Records whose objects were written but not yet
 * checkpointed are delivered twice — the lake is at-least-once (decision 0603); compaction and
 * queries can remove exact duplicates.
 *
 * Why not the stream engineer's event-source mapping: it checkpoints when its handler returns,
 * and `putRecordBatch` returns long before the buffer is written. A record the delivery stream
 * refuses for good (over its size limit) can never reach the lake; it is skipped, counted, and
 * logged. The position within each shard is kept in memory between polls; checkpoints lag
 * behind it by at most the buffered records.
 */
import {
  type CheckpointError,
  Checkpoints,
  DeliveryStream,
  type DeliveryStreamError,
  type StartPosition,
  Stream,
  type StreamError,
} from "@sluice/core"
import { Effect } from "effect"
import { LakeProgress } from "./lakeProgress.ts"

export interface LakeFeederOptions {
  /** The checkpoint name. Default `lake`. */
  readonly consumer?: string
  /** Records read per shard per poll. Default 500 (one PutRecordBatch). */
  readonly batchSize?: number
  /** Wait after a poll that found nothing, milliseconds. Default 200. */
  readonly idleMs?: number
}

export interface LakeFeederStats {
  readonly read: number
  readonly skipped: number
  readonly checkpoints: number
}

interface ShardProgress {
  position: StartPosition
  /** Records handed over and not yet checkpointed: ticket (-1 for skipped) and sequence number. */
  readonly pending: Array<{ readonly ticket: number; readonly sequenceNumber: string }>
}

type FeederError = StreamError | DeliveryStreamError | CheckpointError

export const makeLakeFeeder = (options: LakeFeederOptions = {}) =>
  Effect.gen(function* () {
    const stream = yield* Stream
    const checkpoints = yield* Checkpoints
    const delivery = yield* DeliveryStream
    const progress = yield* LakeProgress
    const consumer = options.consumer ?? "lake"
    const batchSize = options.batchSize ?? 500
    const shards = new Map<string, ShardProgress>()
    const stats = { read: 0, skipped: 0, checkpoints: 0 }

    const shardOf = (shardId: string) =>
      Effect.gen(function* () {
        const known = shards.get(shardId)
        if (known !== undefined) return known
        const checkpoint = yield* checkpoints.get(consumer, shardId)
        const shard: ShardProgress = {
          position:
            checkpoint === undefined
              ? { type: "TRIM_HORIZON" }
              : { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: checkpoint },
          pending: [],
        }
        shards.set(shardId, shard)
        return shard
      })

    /** Reads each shard once and hands what it read to the delivery stream; returns records read. */
    const poll: Effect.Effect<number, FeederError> = Effect.gen(function* () {
      let total = 0
      for (const shardId of yield* stream.listShards()) {
        const shard = yield* shardOf(shardId)
        const batch = yield* stream.read(shardId, shard.position, batchSize)
        if (batch.records.length === 0) continue
        const results = yield* delivery.putRecordBatch(batch.records.map((record) => record.data))
        let handled = 0
        for (const [i, result] of results.entries()) {
          const { sequenceNumber } = batch.records[i] as (typeof batch.records)[number]
          if (result._tag === "Accepted")
            shard.pending.push({ ticket: Number(result.recordId), sequenceNumber })
          else if (result.error._tag === "Poison") {
            stats.skipped++
            yield* Effect.logWarning(`lake feeder skips ${shardId}/${sequenceNumber}: ${result.error.reason}`)
            shard.pending.push({ ticket: -1, sequenceNumber })
          } else break // retried from here on the next poll
          handled++
        }
        total += handled
        stats.read += handled
        if (handled === batch.records.length) shard.position = batch.next
        else if (handled > 0) {
          const last = batch.records[handled - 1] as (typeof batch.records)[number]
          shard.position = { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: last.sequenceNumber }
        }
      }
      return total
    })

    /** Checkpoints every shard as far as the lake is durable. */
    const commit: Effect.Effect<void, CheckpointError> = Effect.gen(function* () {
      const durable = yield* progress.durableCount()
      for (const [shardId, shard] of shards) {
        let count = 0
        while (count < shard.pending.length && (shard.pending[count]?.ticket ?? 0) < durable) count++
        if (count === 0) continue
        const last = shard.pending[count - 1]?.sequenceNumber as string
        yield* checkpoints.set(consumer, shardId, last)
        // Only once stored: a refused write leaves them pending, so the next commit retries it.
        shard.pending.splice(0, count)
        stats.checkpoints++
      }
    })

    /** Polls and commits until interrupted; transient failures are logged and retried after a pause. */
    const step = Effect.gen(function* () {
      const read = yield* poll
      yield* commit // also when nothing was read: an interval flush may have made more durable
      return read
    })

    const run: Effect.Effect<never, FeederError> = Effect.gen(function* () {
      for (;;) {
        const outcome = yield* Effect.result(step)
        if (outcome._tag === "Failure") {
          if (outcome.failure._tag === "Fatal") return yield* outcome.failure
          yield* Effect.logWarning(`lake feeder: ${outcome.failure.reason}`)
        }
        if (outcome._tag === "Failure" || outcome.success === 0) yield* Effect.sleep(options.idleMs ?? 200)
      }
    })

    return { poll, commit, step, run, stats: (): LakeFeederStats => ({ ...stats }) }
  })

export type LakeFeeder = Effect.Success<ReturnType<typeof makeLakeFeeder>>
