/**
 * `processKinesisBatch`: one Lambda invocation's Kinesis batch, as an Effect over the `Table`
 * and `DeadLetters` ports — the Effect underneath `kinesisConsumer`.
 *
 * The event is decoded in one synchronous pass (kinesisDecode.ts), then written chunk by chunk
 * (kinesisChunk.ts). Before each chunk the Lambda deadline is checked: once less than the
 * margin remains, no new chunk starts and everything not yet done is reported for retry. A
 * chunk that is still running when the margin is reached is interrupted and retried whole —
 * its writes may or may not have landed, which idempotent writes make harmless — and the
 * retry policy's elapsed-time bound is clamped to the time left, so backoff ends before that.
 *
 * The response names at most one record: the lowest sequence number with an entry to retry.
 * Lambda checkpoints before it and re-delivers it and everything after it in the shard (KPL
 * sub-records included, since they share their record's sequence number). Poison never
 * appears there: it is dead-lettered and does not block the shard. A `Fatal` table or
 * dead-letter error fails the Effect (the plain handler throws, and Lambda retries the whole
 * batch under the event source mapping's retry settings).
 */
import { Effect, Option } from "effect"
import { defaultRetryPolicy } from "../delivery/retryPolicy.ts"
import { type BatchState, DEAD, makeBatchState, processChunk, RETRY, STORED } from "./kinesisChunk.ts"
import { decodeKinesisEvent, type Entry } from "./kinesisDecode.ts"
import { compareSequenceNumbers, type KinesisStreamEvent } from "./kinesisEvent.ts"
import {
  DEFAULT_CHUNK_SIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_DEADLINE_MARGIN_MS,
  type KinesisBatchOptions,
  type KinesisBatchResult,
} from "./kinesisOptions.ts"

const positiveInteger = (name: string, value: number | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`)
  return value
}

/** Checks settings once, so a misconfiguration fails at construction rather than per batch. */
export const validateSettings = (options: KinesisBatchOptions): void => {
  positiveInteger("concurrency", options.concurrency, DEFAULT_CONCURRENCY)
  positiveInteger("chunkSize", options.chunkSize, DEFAULT_CHUNK_SIZE)
  const margin = options.deadlineMarginMs
  if (margin !== undefined && !(margin >= 0))
    throw new RangeError(`deadlineMarginMs must be ≥ 0, got ${margin}`)
  if (options.mode !== undefined && options.mode !== "ordered" && options.mode !== "parallel") {
    throw new RangeError(`mode must be "ordered" or "parallel", got ${String(options.mode)}`)
  }
}

const summarize = (
  event: KinesisStreamEvent,
  entries: ReadonlyArray<Entry>,
  state: BatchState,
  deadlineReached: boolean,
): KinesisBatchResult => {
  let stored = 0
  let deadLettered = 0
  let retry = 0
  let lowest: string | undefined
  for (let p = 0; p < entries.length; p++) {
    const fate = state.fates[p]
    if (fate === STORED) stored++
    else if (fate === DEAD) deadLettered++
    else {
      // Anything neither stored nor dead-lettered is retried: nothing is silently dropped.
      retry++
      const sequenceNumber = (entries[p] as Entry).sequenceNumber
      if (lowest === undefined || compareSequenceNumbers(sequenceNumber, lowest) < 0) lowest = sequenceNumber
    }
  }
  return {
    response: { batchItemFailures: lowest === undefined ? [] : [{ itemIdentifier: lowest }] },
    summary: {
      records: event.Records.length,
      entries: entries.length,
      stored,
      deadLettered,
      retry,
      duplicates: state.duplicates,
      deadlineReached,
    },
  }
}

/**
 * Processes one Kinesis batch: succeeds with the partial batch response and a summary, fails
 * only with `Fatal`. Requires `Table` and `DeadLetters`.
 */
export const processKinesisBatch = Effect.fnUntraced(function* (
  event: KinesisStreamEvent,
  options: KinesisBatchOptions = {},
) {
  validateSettings(options)
  const entries = decodeKinesisEvent(event)
  const state = makeBatchState(entries.length)
  const policy = options.retry ?? defaultRetryPolicy
  const margin = options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE
  const context = options.context
  let deadlineReached = false
  for (let from = 0; from < entries.length; from += chunkSize) {
    const to = Math.min(entries.length, from + chunkSize)
    const budget =
      context === undefined ? Number.POSITIVE_INFINITY : context.getRemainingTimeInMillis() - margin
    if (budget <= 0) {
      deadlineReached = true
      state.fates.fill(RETRY, from)
      break
    }
    const bounded = Number.isFinite(budget)
    const work = processChunk(entries, from, to, state, {
      mode: options.mode ?? "ordered",
      records: event.Records,
      streamName: options.streamName,
      execute: {
        concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
        retry: bounded ? { ...policy, maxElapsedMs: Math.min(policy.maxElapsedMs, budget) } : policy,
      },
    })
    if (!bounded) {
      yield* work
      continue
    }
    const finished = yield* Effect.timeoutOption(work, budget)
    if (Option.isNone(finished)) {
      deadlineReached = true
      state.fates.fill(RETRY, from)
      break
    }
  }
  return summarize(event, entries, state, deadlineReached)
})
