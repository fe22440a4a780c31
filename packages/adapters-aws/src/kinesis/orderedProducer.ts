/**
 * An ordered, limit-respecting producer over the Stream port: `putOrdered(records)` writes
 * every record or says why not, and never lets a later record of a partition key land before
 * an earlier one.
 *
 * Kinesis PutRecords reorders on partial failure (if a1 fails and a2 lands, the retry puts a1
 * after a2). Each call is planned with core's `planOrderedCall`: at most one stream record per
 * key, a KPL aggregate of as many of the key's pending records as fit, so a key's write in a
 * call is all-or-nothing; `settleOrderedCall` keeps a failed key's records at the head of its
 * queue and puts the key first in the next call. Only failed keys are retried, with core's
 * full-jitter backoff (a Throttled error's own hint is a floor).
 *
 *     call 1  [agg(a1 a2 a3), agg(b1)]   → a: Throttled, b: Put
 *     (backoff)
 *     call 2  [agg(a1 a2 a3 a4)]          → Put          order of a kept; b never waited on a
 *
 * Limits of this version: one call in flight at a time (calls could overlap if they shared no
 * key; not needed yet); the retry budget (attempts, elapsed time) counts per key from its first
 * failure, and a key that exhausts it fails with all its remaining records — they are not sent
 * after the failed one. A `Fatal` call error stops the whole put: every record not yet written
 * fails with it. Outcomes come back in input order.
 */
import {
  backoffDelayMs,
  type DeliveryError,
  defaultRetryPolicy,
  type PendingRecord,
  Poison,
  type PutEntryResult,
  planOrderedCall,
  type RetryPolicy,
  type Stream,
  settleOrderedCall,
  shouldRetry,
} from "@sluice/core"
import { Clock, Effect, Random } from "effect"

export interface OrderedRecord {
  readonly partitionKey: string
  readonly data: Uint8Array
}

export type OrderedPutOutcome =
  | {
      readonly _tag: "Put"
      readonly shardId: string
      readonly sequenceNumber: string
      /** The record's index inside its KPL aggregate; 0 when it was sent alone. */
      readonly subSequenceNumber: number
    }
  | { readonly _tag: "Failed"; readonly error: DeliveryError }

export interface OrderedProducerOptions {
  readonly retry?: RetryPolicy
  /** Aggregate a key's pending records into one KPL record per call (default true). */
  readonly aggregate?: boolean
}

interface Tracked extends PendingRecord {
  readonly index: number
}

interface KeyFailures {
  count: number
  readonly since: number
}

type Queues = ReadonlyMap<string, ReadonlyArray<Tracked>>

export const putOrdered = Effect.fnUntraced(function* (
  stream: Stream["Service"],
  records: ReadonlyArray<OrderedRecord>,
  options: OrderedProducerOptions = {},
) {
  const policy = options.retry ?? defaultRetryPolicy
  const aggregate = options.aggregate ?? true
  const outcomes: OrderedPutOutcome[] = new Array(records.length)
  const fail = (tracked: ReadonlyArray<Tracked>, error: DeliveryError) => {
    for (const record of tracked) outcomes[record.index] = { _tag: "Failed", error }
  }

  let queues = new Map<string, Tracked[]>()
  records.forEach((record, index) => {
    const queue = queues.get(record.partitionKey)
    const tracked = { partitionKey: record.partitionKey, data: record.data, index }
    if (queue === undefined) queues.set(record.partitionKey, [tracked])
    else queue.push(tracked)
  })
  const failures = new Map<string, KeyFailures>()

  while (queues.size > 0) {
    const plan = planOrderedCall(queues, stream.limits, { aggregate })
    for (const { record, reason } of plan.oversized) fail([record as Tracked], new Poison({ reason }))
    const planned = plan.queues as Queues
    const entries = plan.call.entries
    if (entries.length === 0) break // only oversized records were left
    const results = yield* stream
      .putRecords(entries.map(({ partitionKey, data }) => ({ partitionKey, data })))
      .pipe(
        Effect.map((answer) => ({ answer })),
        Effect.catch((error) =>
          Effect.succeed(
            error._tag === "Fatal"
              ? { fatal: error }
              : { answer: entries.map((): PutEntryResult => ({ _tag: "Failed", error })) },
          ),
        ),
      )
    if ("fatal" in results) {
      for (const queue of planned.values()) fail(queue, results.fatal)
      return outcomes
    }

    const now = yield* Clock.currentTimeMillis
    const settled: boolean[] = []
    const givenUp: string[] = []
    let worst: { retry: number; error: DeliveryError } | undefined
    entries.forEach((entry, i) => {
      const carried = (planned.get(entry.partitionKey) ?? []).slice(0, entry.count)
      const result = results.answer[i] as PutEntryResult
      if (result._tag === "Put") {
        carried.forEach((record, sub) => {
          outcomes[record.index] = {
            _tag: "Put",
            shardId: result.shardId,
            sequenceNumber: result.sequenceNumber,
            subSequenceNumber: entry.count > 1 ? sub : 0,
          }
        })
        failures.delete(entry.partitionKey)
        settled.push(true)
        return
      }
      if (result.error._tag === "Poison") {
        // Never written, so dropping it cannot reorder the key; its successors go on.
        fail(carried, result.error)
        settled.push(true)
        return
      }
      settled.push(false)
      const state = failures.get(entry.partitionKey) ?? { count: 0, since: now }
      state.count++
      failures.set(entry.partitionKey, state)
      if (!shouldRetry(policy, state.count, now - state.since, result.error)) {
        givenUp.push(entry.partitionKey)
        fail(planned.get(entry.partitionKey) ?? [], result.error)
      } else if (worst === undefined || state.count > worst.retry + 1) {
        worst = { retry: state.count - 1, error: result.error }
      }
    })
    const next = settleOrderedCall(planned, plan.call, settled) as Map<string, Tracked[]>
    for (const key of givenUp) {
      next.delete(key)
      failures.delete(key)
    }
    queues = next
    if (worst !== undefined && queues.size > 0) {
      const random = yield* Random.next
      yield* Effect.sleep(backoffDelayMs(policy, worst.retry, random, worst.error))
    }
  }
  return outcomes
})

/** A producer bound to one stream and policy. */
export const makeOrderedProducer = (stream: Stream["Service"], options: OrderedProducerOptions = {}) => ({
  putOrdered: (records: ReadonlyArray<OrderedRecord>) => putOrdered(stream, records, options),
})
