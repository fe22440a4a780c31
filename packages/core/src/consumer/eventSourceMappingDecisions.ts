/**
 * The decisions of a Kinesis event source mapping for one shard, as pure functions of its
 * state, its buffered records and the time: when to invoke and with which records, and what an
 * invocation's outcome means for the checkpoint, retries, bisection and discards. The runner
 * (adapters-local) does the I/O; this file decides (docs/decisions/0402-event-source-mapping-semantics.md).
 *
 * `buffered` always starts right after the checkpoint: the runner drops records from its head
 * exactly as decisions consume them.
 *
 * - Batching: with no retry pending, invoke with up to BatchSize records as soon as BatchSize
 *   are buffered or the 6 MB payload is full, else once MaximumBatchingWindowInSeconds has passed
 *   since the oldest waiting record was read (at once with a window of 0).
 * - Success: checkpoint after the batch.
 * - Partial failure at record i: checkpoint before it; the rest of the batch (and only it) is
 *   retried next — with BisectBatchOnFunctionError too, which "bisects at the returned
 *   sequence number".
 * - Function error (throw, timeout) or a malformed reply: with bisect, a batch of two or more
 *   splits in halves, first half first; splitting does not use the retry quota (AWS). Otherwise
 *   the same batch is retried.
 * - Retry quota: `attempts` counts failed invocations since the checkpoint last moved; once it
 *   exceeds MaximumRetryAttempts the failing batch is discarded to the on-failure destination
 *   and the checkpoint moves past it. Any progress resets it — so a handler that stops near
 *   its deadline and reports the rest is never punished for it.
 * - Record age: records older than MaximumRecordAgeInSeconds at the head are discarded before
 *   any invocation (retries included).
 *
 *     batch [r1 … r8], bisect, MaximumRetryAttempts 1, r6 poison:
 *     [1-8] ✗ split → [1-4] ✓ → [5-8] ✗ split → [5-6] ✗ split → [5] ✓ → [6] ✗ → [6] ✗ discard → [7-8] ✓
 */
import type { StreamRecord } from "../ports/stream.ts"
import type { EventSourceMappingConfig } from "./eventSourceMappingConfig.ts"
import {
  EVENT_ENVELOPE_BYTES,
  type EventSourceIdentity,
  eventRecordBytes,
} from "./eventSourceMappingEvent.ts"
import type { DiscardedRecords } from "./eventSourceMappingFailure.ts"
import type { BatchVerdict } from "./eventSourceMappingResponse.ts"

export interface MappingState {
  /** Failed invocations (splits excluded) since the checkpoint last moved. */
  readonly attempts: number
  /** Invocations of the head records since the checkpoint last moved (AWS's approximateInvokeCount). */
  readonly invocations: number
  /** Sizes of the batches to retry, in order: a failed batch, bisected halves, a partial reply's rest. */
  readonly pending: ReadonlyArray<number>
  /** The last function error since the checkpoint last moved, for the on-failure record. */
  readonly lastFunctionError?: string
  readonly lastReason?: string
}

export const initialMappingState: MappingState = { attempts: 0, invocations: 0, pending: [] }

export type MappingStep =
  /** Discard the first `count` buffered records: they are older than the maximum record age. */
  | { readonly _tag: "Expire"; readonly count: number }
  /** Invoke the function with the first `count` buffered records. */
  | { readonly _tag: "Invoke"; readonly count: number }
  /** Nothing to do until more records arrive, or until `untilMs` (the batching window's end). */
  | { readonly _tag: "Wait"; readonly untilMs?: number }

export interface Settlement {
  readonly state: MappingState
  /** Records to drop from the head of the buffer: processed or discarded. */
  readonly consumed: number
  /** The new checkpoint (the last consumed record's sequence number), when `consumed` > 0. */
  readonly checkpoint?: string
  /** Records to send to the on-failure destination before checkpointing past them. */
  readonly discarded?: DiscardedRecords
  /** The next invocation is a retry: back off first (by `state.attempts`). */
  readonly retry: boolean
}

/** How many records from the head fit one invocation: BatchSize and the payload limit. */
const batchFit = (
  config: EventSourceMappingConfig,
  buffered: ReadonlyArray<StreamRecord>,
  source: EventSourceIdentity,
): number => {
  let bytes = EVENT_ENVELOPE_BYTES
  let count = 0
  for (const record of buffered) {
    if (count === config.batchSize) break
    bytes += eventRecordBytes(record, source)
    // A record alone over the limit still goes (alone): it could never go otherwise.
    if (bytes > config.maximumPayloadBytes && count > 0) break
    count++
  }
  return count
}

const expiredCount = (
  config: EventSourceMappingConfig,
  buffered: ReadonlyArray<StreamRecord>,
  now: number,
) => {
  if (config.maximumRecordAgeInSeconds < 0) return 0
  const oldestAllowed = now - config.maximumRecordAgeInSeconds * 1000
  let count = 0
  while (
    count < buffered.length &&
    (buffered[count] as StreamRecord).approximateArrivalTimestamp < oldestAllowed
  )
    count++
  return count
}

/** What to do next. `waitingSinceMs`: when the oldest buffered record was read. */
export const planStep = (
  config: EventSourceMappingConfig,
  state: MappingState,
  buffered: ReadonlyArray<StreamRecord>,
  now: number,
  source: EventSourceIdentity,
  waitingSinceMs: number = now,
): MappingStep => {
  if (buffered.length === 0) return { _tag: "Wait" }
  const expired = expiredCount(config, buffered, now)
  if (expired > 0) return { _tag: "Expire", count: expired }
  const retrying = state.pending[0]
  if (retrying !== undefined) return { _tag: "Invoke", count: Math.min(retrying, buffered.length) }
  const count = batchFit(config, buffered, source)
  const full = count === config.batchSize || count < buffered.length
  if (full || config.maximumBatchingWindowInSeconds === 0) return { _tag: "Invoke", count }
  const untilMs = waitingSinceMs + config.maximumBatchingWindowInSeconds * 1000
  return now >= untilMs ? { _tag: "Invoke", count } : { _tag: "Wait", untilMs }
}

/** Drops `count` records from the front of the pending batch sizes. */
const dropPending = (pending: ReadonlyArray<number>, count: number): ReadonlyArray<number> => {
  const rest = [...pending]
  let left = count
  while (left > 0 && rest.length > 0) {
    const head = rest[0] as number
    if (head <= left) {
      rest.shift()
      left -= head
    } else {
      rest[0] = head - left
      left = 0
    }
  }
  return rest
}

const moved = (pending: ReadonlyArray<number>): MappingState => ({ attempts: 0, invocations: 0, pending })

/** The outcome of discarding expired head records (an `Expire` step). */
export const settleExpiry = (
  state: MappingState,
  buffered: ReadonlyArray<StreamRecord>,
  count: number,
): Settlement => {
  const records = buffered.slice(0, count)
  return {
    state: moved(dropPending(state.pending, count)),
    consumed: count,
    checkpoint: (records[count - 1] as StreamRecord).sequenceNumber,
    discarded: {
      records,
      condition: "RecordAgeExceeded",
      invokeCount: state.invocations,
      ...(state.lastFunctionError === undefined ? {} : { functionError: state.lastFunctionError }),
      reason: `older than MaximumRecordAgeInSeconds${state.lastReason === undefined ? "" : `; last failure: ${state.lastReason}`}`,
    },
    retry: false,
  }
}

/** The outcome of an invocation of `batch` (the first records of the buffer). */
export const settleInvocation = (
  config: EventSourceMappingConfig,
  state: MappingState,
  batch: ReadonlyArray<StreamRecord>,
  verdict: BatchVerdict,
): Settlement => {
  const n = batch.length
  const rest = state.pending.length > 0 ? state.pending.slice(1) : []
  const invocations = state.invocations + 1
  const done = (
    count: number,
    next: MappingState,
    retry: boolean,
    discarded?: DiscardedRecords,
  ): Settlement => ({
    state: next,
    consumed: count,
    ...(count > 0 ? { checkpoint: (batch[count - 1] as StreamRecord).sequenceNumber } : {}),
    ...(discarded === undefined ? {} : { discarded }),
    retry,
  })
  if (verdict._tag === "Succeeded") return done(n, moved(rest), false)
  if (verdict._tag === "PartiallyFailed" && verdict.firstFailed > 0) {
    // Progress: checkpoint before the first failed record, retry exactly the rest, quota reset.
    const i = verdict.firstFailed
    return done(
      i,
      { attempts: 0, invocations: 1, pending: [n - i, ...rest], lastReason: "reported as failed" },
      true,
    )
  }
  const functionError = verdict._tag === "Failed" ? verdict.functionError : undefined
  const reason = verdict._tag === "Failed" ? verdict.reason : "the first record was reported as failed"
  const failed = {
    invocations,
    ...(functionError === undefined ? {} : { lastFunctionError: functionError }),
    lastReason: reason,
  }
  if (verdict._tag === "Failed" && config.bisectBatchOnFunctionError && n > 1) {
    const half = Math.ceil(n / 2)
    return done(0, { ...failed, attempts: state.attempts, pending: [half, n - half, ...rest] }, true)
  }
  const attempts = state.attempts + 1
  if (config.maximumRetryAttempts >= 0 && attempts > config.maximumRetryAttempts) {
    return done(n, moved(rest), false, {
      records: batch,
      condition: "RetryAttemptsExhausted",
      invokeCount: invocations,
      ...(functionError === undefined ? {} : { functionError }),
      reason,
    })
  }
  return done(0, { ...failed, attempts, pending: [n, ...rest] }, true)
}
