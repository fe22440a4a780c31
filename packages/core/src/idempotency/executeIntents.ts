/**
 * Executes write intents against the Table port: batched, retried, idempotent.
 *
 * - Readings are deduplicated by key (a duplicate in one batch is one write), packed by the
 *   batch planner within the table's limits, and written with `batchWrite`; unprocessed items
 *   are retried with the retry policy's backoff until they are written or the policy gives up.
 *   An item the planner rejects as oversized, or that the table rejects as Poison on its own,
 *   is Poison. When a whole batch is rejected as Poison, its items are written one by one so
 *   only the guilty ones are blamed.
 * - Latest-state intents of the ids whose readings were written are collapsed to the newest per
 *   device (an older one could never win) and applied with a conditional write; losing the
 *   condition is success — a newer record is already there:
 *
 *       consumer A (reading t2)          consumer B (retry of t1)
 *       putLatestIfNewer(t2) → written
 *                                        putLatestIfNewer(t1) → stale: stored t2 > t1, kept
 *
 * The result maps every intent id to `Succeeded` or `Failed(error)`; an id fails if any of
 * its writes failed. Nothing is dropped: each id gets exactly one outcome.
 */
import { Clock, Effect, Random } from "effect"
import { planBatches } from "../batching/planner.ts"
import { type DeliveryError, Poison, Throttled } from "../delivery/errors.ts"
import { failed, type RecordOutcome, succeeded } from "../delivery/reconcile.ts"
import { backoffDelayMs, defaultRetryPolicy, type RetryPolicy, withRetry } from "../delivery/retryPolicy.ts"
import { type Item, Table, type TableError } from "../ports/table.ts"
import { utf8Length } from "../telemetry/json.ts"
import type { WriteIntent } from "./intents.ts"

export interface ExecuteOptions {
  readonly retry?: RetryPolicy
  /** Batches written at once. */
  readonly concurrency?: number
}

const keyOf = (item: Item) => `${item.deviceId}\u0000${item.ts}`
/** Item size as DynamoDB counts it, near enough: the JSON text. */
export const itemBytes = (item: Item): number => utf8Length(JSON.stringify(item))

export const executeIntents = Effect.fnUntraced(function* (
  intents: ReadonlyArray<WriteIntent>,
  options: ExecuteOptions = {},
) {
  const table = yield* Table
  const policy = options.retry ?? defaultRetryPolicy
  const retry = withRetry(policy)
  const outcomes = new Map<string, RecordOutcome>()
  const fail = (id: string, error: DeliveryError) => {
    if (outcomes.get(id)?._tag !== "Failed") outcomes.set(id, failed(error))
  }
  for (const intent of intents) outcomes.set(intent.id, succeeded)

  // Readings: last intent per key wins; every id that asked for the key shares its outcome.
  // Keyed by device, then ts: strings the items hold already, so no key string is built.
  const readingIds: Array<{ item: Item; ids: string[]; bytes: number | undefined }> = []
  const byDevice = new Map<string, Map<string, { item: Item; ids: string[]; bytes: number | undefined }>>()
  for (const intent of intents) {
    if (intent._tag !== "PutReading") continue
    let byTs = byDevice.get(intent.item.deviceId)
    if (byTs === undefined) {
      byTs = new Map()
      byDevice.set(intent.item.deviceId, byTs)
    }
    const entry = byTs.get(intent.item.ts)
    if (entry === undefined) {
      const created = { item: intent.item, ids: [intent.id], bytes: intent.bytes }
      byTs.set(intent.item.ts, created)
      readingIds.push(created)
    } else {
      entry.ids.push(intent.id)
      entry.item = intent.item
      entry.bytes = intent.bytes
    }
  }

  // A size hint is an upper bound: good enough to plan with unless it alone breaks the limit.
  const maxItemBytes = table.limits.maxRecordBytes
  const sizeOf = (entry: { item: Item; bytes: number | undefined }) =>
    entry.bytes !== undefined && entry.bytes <= maxItemBytes ? entry.bytes : itemBytes(entry.item)
  const plan = planBatches(readingIds, sizeOf, table.limits)
  for (const rejected of plan.rejected) {
    for (const id of rejected.record.ids) fail(id, new Poison({ reason: `table item ${rejected.reason}` }))
  }

  const writeBatch = (batch: ReadonlyArray<{ item: Item; ids: string[] }>) =>
    writeWithUnprocessedRetry(
      table,
      batch.map((entry) => entry.item),
      policy,
      retry,
    ).pipe(
      Effect.matchEffect({
        onSuccess: (unwritten) =>
          unwritten.size === 0
            ? Effect.void
            : Effect.sync(() => {
                for (const entry of batch) {
                  const error = unwritten.get(keyOf(entry.item))
                  if (error) for (const id of entry.ids) fail(id, error)
                }
              }),
        onFailure: (error) =>
          error._tag === "Poison" && batch.length > 1
            ? Effect.forEach(batch, (entry) => writeOne(table, entry, retry, fail), { discard: true })
            : Effect.sync(() => {
                for (const entry of batch) for (const id of entry.ids) fail(id, error)
              }),
      }),
    )
  yield* Effect.forEach(plan.batches, writeBatch, { concurrency: options.concurrency ?? 4, discard: true })

  // Latest state follows stored readings only: an id whose reading failed cannot move it.
  const latest = new Map<string, { item: Item; ids: string[] }>()
  for (const intent of intents) {
    if (intent._tag !== "PutLatestIfNewer" || outcomes.get(intent.id)?._tag === "Failed") continue
    const entry = latest.get(intent.item.deviceId)
    if (entry === undefined) latest.set(intent.item.deviceId, { item: intent.item, ids: [intent.id] })
    else {
      entry.ids.push(intent.id)
      if (intent.item.ts >= entry.item.ts) entry.item = intent.item
    }
  }
  yield* Effect.forEach(
    [...latest.values()],
    (entry) =>
      table.putLatestIfNewer(entry.item).pipe(
        retry,
        Effect.catch((error: TableError) =>
          Effect.sync(() => {
            for (const id of entry.ids) fail(id, error)
          }),
        ),
      ),
    { concurrency: options.concurrency ?? 4, discard: true },
  )
  return outcomes as ReadonlyMap<string, RecordOutcome>
})

const writeOne = (
  table: Table["Service"],
  entry: { item: Item; ids: string[] },
  retry: Retry,
  fail: (id: string, error: DeliveryError) => void,
) =>
  table.put(entry.item).pipe(
    retry,
    Effect.catch((error: TableError) =>
      Effect.sync(() => {
        for (const id of entry.ids) fail(id, error)
      }),
    ),
  )

type Retry = ReturnType<typeof withRetry>

/**
 * Writes a batch, retrying transient failures of the call and its unprocessed items with
 * backoff. Resolves with the items still unwritten when the policy gives up (keyed, with the
 * error to report); fails only with a non-transient error of the call itself.
 */
const writeWithUnprocessedRetry = Effect.fnUntraced(function* (
  table: Table["Service"],
  items: ReadonlyArray<Item>,
  policy: RetryPolicy,
  retry: Retry,
) {
  let pending = items
  const started = yield* Clock.currentTimeMillis
  for (let attempt = 1; ; attempt++) {
    const result = yield* table.batchWrite(pending).pipe(retry)
    if (result.unprocessed.length === 0) return new Map<string, DeliveryError>()
    pending = result.unprocessed
    const now = yield* Clock.currentTimeMillis
    if (attempt >= policy.maxAttempts || now - started > policy.maxElapsedMs) {
      // The table kept refusing for lack of capacity: transient, so the caller retries later.
      const error = new Throttled({
        reason: `${pending.length} items still unprocessed after ${attempt} batch writes`,
      })
      return new Map<string, DeliveryError>(pending.map((item) => [keyOf(item), error]))
    }
    const random = yield* Random.next
    yield* Effect.sleep(backoffDelayMs(policy, attempt - 1, random))
  }
})
