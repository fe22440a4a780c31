/**
 * `processKinesisBatch`: one Lambda invocation's Kinesis batch, as an Effect over the `Table`
 * and `DeadLetters` ports — the Effect underneath `kinesisConsumer`.
 *
 * Records are decoded and written a chunk at a time (kinesisDecode.ts, kinesisChunk.ts), then
 * each device's latest-state record is written once (kinesisLatest.ts). Before each chunk the
 * Lambda deadline is checked: once less than the margin remains, no new chunk starts and
 * everything not yet done is reported for retry. A chunk still running when the margin is
 * reached is interrupted and retried whole — its writes may or may not have landed, which
 * idempotent writes make harmless — and the retry policy's elapsed-time bound is clamped to the
 * time left, so backoff ends before that. The latest-state writes may use half the margin; if
 * even that is not enough, the stored entries are retried.
 *
 * The response names at most one record: the lowest sequence number with an entry to retry.
 * Lambda checkpoints before it and re-delivers it and everything after it in the shard (KPL
 * sub-records included, since they share their record's sequence number). Poison never
 * appears there: it is dead-lettered and does not block the shard. A `Fatal` table or
 * dead-letter error fails the Effect (the plain handler throws, and Lambda retries the whole
 * batch under the event source mapping's retry settings).
 *
 * For projections (`collectStored`), the result also lists the stored entries before the first
 * retry; `latestState: false` leaves the latest-state records alone. Neither costs anything
 * per record when off.
 */
import { Effect, Option } from "effect"
import { defaultRetryPolicy } from "../delivery/retryPolicy.ts"
import { type BatchState, DEAD, makeBatchState, RETRY, STORED } from "./kinesisBatchState.ts"
import { processChunk } from "./kinesisChunk.ts"
import { decodeRecords, type Entry } from "./kinesisDecode.ts"
import { compareSequenceNumbers, type KinesisStreamEvent, type KinesisStreamRecord } from "./kinesisEvent.ts"
import { abandonLatest, hasLatest, writeLatest } from "./kinesisLatest.ts"
import {
  DEFAULT_CHUNK_SIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_DEADLINE_MARGIN_MS,
  type KinesisBatchOptions,
  type KinesisBatchResult,
  type StoredEntry,
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

/** Running totals of a batch's fates, and the lowest sequence number to retry from. */
interface Tally {
  entries: number
  stored: number
  deadLettered: number
  retry: number
  lowest: string | undefined
}

const countRetry = (tally: Tally, sequenceNumber: string) => {
  tally.retry++
  if (tally.lowest === undefined || compareSequenceNumbers(sequenceNumber, tally.lowest) < 0)
    tally.lowest = sequenceNumber
}

/** Tallies the fates of entries [0, count). */
const tallyEntries = (
  tally: Tally,
  records: KinesisStreamEvent["Records"],
  state: BatchState,
  count: number,
) => {
  tally.entries += count
  for (let o = 0; o < count; o++) {
    const fate = state.fates[o]
    if (fate === STORED) tally.stored++
    else if (fate === DEAD) tally.deadLettered++
    // Anything neither stored nor dead-lettered is retried: nothing is silently dropped.
    else
      countRetry(
        tally,
        (records[state.recordIndex[o] as number] as KinesisStreamRecord).kinesis.sequenceNumber,
      )
  }
}

/** The stored entries before the first retry, for projections (`collectStored`). */
const storedBefore = (
  lowest: string | undefined,
  state: BatchState,
  ordinals: ReadonlyArray<number>,
  entries: ReadonlyArray<Entry>,
): StoredEntry[] => {
  const stored: StoredEntry[] = []
  for (let k = 0; k < ordinals.length; k++) {
    const entry = entries[k] as Entry
    if (state.fates[ordinals[k] as number] !== STORED) continue
    if (lowest !== undefined && compareSequenceNumbers(entry.sequenceNumber, lowest) >= 0) continue
    stored.push({
      item: entry.item as StoredEntry["item"],
      sequenceNumber: entry.sequenceNumber,
      subSequenceNumber: entry.subSequenceNumber,
    })
  }
  return stored
}

/** Everything from record `from` on is retried; decoded only to count its user records. */
const tallyRest = (tally: Tally, records: KinesisStreamEvent["Records"], from: number) => {
  if (from >= records.length) return
  const rest: Entry[] = []
  decodeRecords(records, from, Number.POSITIVE_INFINITY, rest)
  tally.entries += rest.length
  for (const entry of rest) countRetry(tally, entry.sequenceNumber)
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
  const records = event.Records
  const state = makeBatchState(records.length)
  const policy = options.retry ?? defaultRetryPolicy
  const margin = options.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE
  const context = options.context
  let deadlineReached = false
  let next = 0
  let ordinal = 0
  // Projections only: the entries with readings, by ordinal (nothing is kept without them).
  const collect = options.collectStored === true
  const collectedOrdinals: number[] = []
  const collectedEntries: Entry[] = []
  const remaining = () =>
    context === undefined ? Number.POSITIVE_INFINITY : context.getRemainingTimeInMillis() - margin
  const executeWithin = (budget: number) => ({
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    retry: Number.isFinite(budget)
      ? { ...policy, maxElapsedMs: Math.min(policy.maxElapsedMs, budget) }
      : policy,
  })
  while (next < records.length) {
    const budget = remaining()
    if (budget <= 0) {
      deadlineReached = true
      break
    }
    const entries: Entry[] = []
    const after = decodeRecords(records, next, chunkSize, entries)
    const work = processChunk(entries, ordinal, state, {
      mode: options.mode ?? "ordered",
      records,
      streamName: options.streamName,
      execute: executeWithin(budget),
    })
    let finished = true
    if (Number.isFinite(budget)) finished = Option.isSome(yield* Effect.timeoutOption(work, budget))
    else yield* work
    if (collect)
      for (let i = 0; i < entries.length; i++) {
        if ((entries[i] as Entry).item === undefined) continue
        collectedOrdinals.push(ordinal + i)
        collectedEntries.push(entries[i] as Entry)
      }
    ordinal += entries.length
    next = after
    if (!finished) {
      // Interrupted at the margin: whatever the chunk wrote is rewritten on the retry.
      deadlineReached = true
      state.fates.fill(RETRY, ordinal - entries.length, ordinal)
      break
    }
  }
  // The latest-state writes may use half of the margin: it is there to finish the batch cleanly.
  const budget = context === undefined ? Number.POSITIVE_INFINITY : remaining() + margin / 2
  if (options.latestState === false || !hasLatest(state)) {
    // nothing stored, nothing to move (or the latest-state projection is not configured)
  } else if (!Number.isFinite(budget)) yield* writeLatest(state, ordinal, executeWithin(budget))
  else if (
    budget <= 0 ||
    Option.isNone(yield* Effect.timeoutOption(writeLatest(state, ordinal, executeWithin(budget)), budget))
  ) {
    deadlineReached = true
    abandonLatest(state, ordinal)
  }
  const tally: Tally = { entries: 0, stored: 0, deadLettered: 0, retry: 0, lowest: undefined }
  tallyEntries(tally, records, state, ordinal)
  tallyRest(tally, records, next)
  const result: KinesisBatchResult = {
    ...(collect ? { stored: storedBefore(tally.lowest, state, collectedOrdinals, collectedEntries) } : {}),
    response: { batchItemFailures: tally.lowest === undefined ? [] : [{ itemIdentifier: tally.lowest }] },
    summary: {
      records: records.length,
      entries: tally.entries,
      stored: tally.stored,
      deadLettered: tally.deadLettered,
      retry: tally.retry,
      duplicates: state.duplicates,
      deadlineReached,
    },
  }
  return result
})
