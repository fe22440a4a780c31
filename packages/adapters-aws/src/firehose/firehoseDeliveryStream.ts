/**
 * The DeliveryStream port on Amazon Data Firehose: PutRecordBatch, retrying only what failed.
 *
 * Records over 1,000 KiB fail Poison before any call; the rest go out in calls of at most 500
 * records and 4 MiB (core's `firehosePutRecordBatch` profile, planned by `planBatches`). Firehose
 * answers `FailedPutCount` and one `RequestResponses` entry per record, in order — a `RecordId`
 * or an `ErrorCode`. Only the failed records are sent again, after a full-jitter backoff
 * (core's retry policy, on Effect's Clock and Random), until they are accepted or the policy
 * gives up; each record's result is its final outcome. A whole call that fails transiently
 * counts as a failure of each of its records; a Fatal one (missing stream, denied access) fails
 * the effect at once. A response whose entries do not match the request fails those records
 * Retryable rather than guessing.
 *
 * Firehose is durable once it accepts a record, and delivers on its own buffering hints, so
 * `flush` has nothing to do. PutRecordBatch may deliver a record twice when a call times out
 * after succeeding — the lake is at-least-once on AWS too (decision 0603).
 */
import { PutRecordBatchCommand, type PutRecordBatchCommandOutput } from "@aws-sdk/client-firehose"
import {
  type BatchLimits,
  backoffDelayMs,
  DeliveryStream,
  type DeliveryStreamError,
  defaultRetryPolicy,
  firehosePutRecordBatch,
  Poison,
  type PutRecordResult,
  planBatches,
  Retryable,
  type RetryPolicy,
  shouldRetry,
  type Throttled,
} from "@sluice/core"
import { Clock, Effect, Layer, Random } from "effect"
import type { FirehoseApi } from "./firehoseApi.ts"
import { classifyFirehoseError, classifyRecordError } from "./firehoseErrors.ts"

export interface FirehoseDeliveryStreamOptions {
  readonly client: FirehoseApi
  readonly deliveryStreamName: string
  readonly retryPolicy?: RetryPolicy
  readonly limits?: BatchLimits
}

interface Pending {
  readonly index: number
  readonly data: Uint8Array
}

export const make = (options: FirehoseDeliveryStreamOptions): DeliveryStream["Service"] => {
  const limits = options.limits ?? firehosePutRecordBatch
  const policy = options.retryPolicy ?? defaultRetryPolicy

  /** One PutRecordBatch call: the records that failed, each with its error. */
  const call = (batch: ReadonlyArray<Pending>, results: PutRecordResult[]) =>
    Effect.gen(function* () {
      const failed: Array<{ readonly record: Pending; readonly error: Retryable | Throttled }> = []
      const answer = yield* Effect.tryPromise({
        try: (): Promise<PutRecordBatchCommandOutput> =>
          options.client.send(
            new PutRecordBatchCommand({
              DeliveryStreamName: options.deliveryStreamName,
              Records: batch.map((record) => ({ Data: record.data })),
            }),
          ),
        catch: classifyFirehoseError,
      }).pipe(
        Effect.catchTag(["Retryable", "Throttled"], (error) =>
          Effect.sync(() => {
            for (const record of batch) failed.push({ record, error })
            return undefined
          }),
        ),
      )
      if (answer === undefined) return failed
      const entries = answer.RequestResponses ?? []
      batch.forEach((record, i) => {
        const entry = entries[i]
        if (entries.length !== batch.length || entry === undefined) {
          failed.push({
            record,
            error: new Retryable({
              reason: `PutRecordBatch answered ${entries.length} entries for ${batch.length} records`,
            }),
          })
        } else if (entry.ErrorCode !== undefined) {
          failed.push({ record, error: classifyRecordError(entry.ErrorCode, entry.ErrorMessage) })
        } else {
          results[record.index] = { _tag: "Accepted", recordId: entry.RecordId ?? "" }
        }
      })
      return failed
    })

  const putRecordBatch = (records: ReadonlyArray<Uint8Array>) =>
    Effect.gen(function* () {
      const results: PutRecordResult[] = new Array(records.length)
      const plan = planBatches(
        records.map((data, index): Pending => ({ index, data })),
        (record) => record.data.byteLength,
        limits,
      )
      for (const rejected of plan.rejected) {
        results[rejected.record.index] = { _tag: "Failed", error: new Poison({ reason: rejected.reason }) }
      }
      const started = yield* Clock.currentTimeMillis
      let pending: ReadonlyArray<Pending> = plan.batches.flat()
      for (let attempt = 1; pending.length > 0; attempt++) {
        const failed: Array<{ readonly record: Pending; readonly error: Retryable | Throttled }> = []
        for (const batch of planBatches(pending, (record) => record.data.byteLength, limits).batches) {
          failed.push(...(yield* call(batch, results)))
        }
        if (failed.length === 0) break
        // The most demanding error decides the wait: a throttle's floor beats a plain retry.
        const worst =
          failed.find((f) => f.error._tag === "Throttled")?.error ?? (failed[0]?.error as Retryable)
        const elapsed = (yield* Clock.currentTimeMillis) - started
        if (!shouldRetry(policy, attempt, elapsed, worst)) {
          for (const { record, error } of failed) results[record.index] = { _tag: "Failed", error }
          break
        }
        yield* Effect.sleep(backoffDelayMs(policy, attempt - 1, yield* Random.next, worst))
        pending = failed.map((f) => f.record)
      }
      return results as ReadonlyArray<PutRecordResult>
    }) as Effect.Effect<ReadonlyArray<PutRecordResult>, DeliveryStreamError>

  return DeliveryStream.of({
    name: options.deliveryStreamName,
    limits,
    putRecordBatch,
    flush: () => Effect.void,
  })
}

export const layer = (options: FirehoseDeliveryStreamOptions): Layer.Layer<DeliveryStream> =>
  Layer.succeed(DeliveryStream, make(options))
