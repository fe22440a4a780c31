/**
 * Readings and latest-state records written to the Table port, reporting failures only: the lean
 * path underneath `executeIntents`, for callers that already hold distinct items (the Kinesis
 * consumer deduplicates its batch itself).
 *
 * - `writeReadings(items, options)`: packs the items, in order, within the table's limits (the
 *   batch planner; `sizes[i]`, when given and within the item limit, stands for the item's JSON
 *   size), writes each batch with `batchWrite`, and retries the call's transient failures and its
 *   unprocessed items with the policy's backoff. An item the planner rejects as oversized is
 *   Poison; when the table rejects a whole batch as Poison, its items are written one by one so
 *   only the guilty ones are blamed. The items' keys must be distinct: DynamoDB refuses a batch
 *   that names a key twice.
 * - `putLatestStates(items, options)`: one conditional `putLatestIfNewer` per item (callers give
 *   one per device), retried; losing the condition is success — a newer record is there already.
 *
 * Both resolve with the failures by index into `items` — an empty map when everything was written
 * — and never fail: every error, Fatal included, is a failure of the items it concerns.
 *
 * Why a second path: `executeIntents` answers with an outcome for every intent id, which at
 * 10,000 readings a batch cost as much as the writes themselves (a Map entry, a dedupe entry and an
 * id per reading; decision 0920). Here a batch that succeeds allocates nothing per item.
 */
import { Clock, Effect, Random, Result } from "effect"
import { planBatches } from "../batching/planner.ts"
import { type DeliveryError, Poison, Throttled } from "../delivery/errors.ts"
import { backoffDelayMs, defaultRetryPolicy, type RetryPolicy, withRetry } from "../delivery/retryPolicy.ts"
import { type Item, Table, type TableError } from "../ports/table.ts"
import { utf8Length } from "../telemetry/json.ts"

export interface WriteOptions {
  readonly retry?: RetryPolicy
  /** Batches (or conditional writes) in flight at once. Default 4. */
  readonly concurrency?: number
}

/** Failures by index into the items written; empty when every item was written. */
export type WriteFailures = ReadonlyMap<number, DeliveryError>

const NO_FAILURES: WriteFailures = new Map()
const DEFAULT_CONCURRENCY = 4

/** Item size as DynamoDB counts it, near enough: the JSON text. */
export const itemBytes = (item: Item): number => utf8Length(JSON.stringify(item))

const keyOf = (item: Item) => `${item.deviceId}\u0000${item.ts}`

type Retry = ReturnType<typeof withRetry>

/** Lazily made map of failures: most writes have none, and then allocate none. */
class Failures {
  map: Map<number, DeliveryError> | undefined
  add(index: number, error: DeliveryError) {
    this.map ??= new Map()
    if (!this.map.has(index)) this.map.set(index, error)
  }
  result(): WriteFailures {
    return this.map ?? NO_FAILURES
  }
}

export const writeReadings = Effect.fnUntraced(function* (
  items: ReadonlyArray<Item>,
  options: WriteOptions & { readonly sizes?: ArrayLike<number | undefined> } = {},
) {
  if (items.length === 0) return NO_FAILURES
  const table = yield* Table
  const policy = options.retry ?? defaultRetryPolicy
  const retry = withRetry(policy)
  const failures = new Failures()
  // A size hint is an upper bound: good enough to plan with unless it alone breaks the limit.
  const maxItemBytes = table.limits.maxRecordBytes
  const sizes = options.sizes
  const indexes = new Array<number>(items.length)
  for (let i = 0; i < items.length; i++) indexes[i] = i
  const plan = planBatches(
    indexes,
    (i) => {
      const hint = sizes?.[i]
      return hint !== undefined && hint <= maxItemBytes ? hint : itemBytes(items[i] as Item)
    },
    table.limits,
  )
  for (const rejected of plan.rejected)
    failures.add(rejected.record, new Poison({ reason: `table item ${rejected.reason}` }))

  const clock = yield* Clock.Clock
  const context: BatchContext = { table, items, policy, retry, failures, clock }
  yield* Effect.forEach(plan.batches, (batch) => writeBatch(context, batch), {
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    discard: true,
  })
  return failures.result()
})

export const putLatestStates = Effect.fnUntraced(function* (
  items: ReadonlyArray<Item>,
  options: WriteOptions = {},
) {
  if (items.length === 0) return NO_FAILURES
  const table = yield* Table
  const retry = withRetry(options.retry ?? defaultRetryPolicy)
  const failures = new Failures()
  yield* Effect.forEach(
    items,
    (item, i) =>
      table.putLatestIfNewer(item).pipe(
        retry,
        Effect.catch((error: TableError) => Effect.sync(() => failures.add(i, error))),
      ),
    { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, discard: true },
  )
  return failures.result()
})

interface BatchContext {
  readonly table: Table["Service"]
  readonly items: ReadonlyArray<Item>
  readonly policy: RetryPolicy
  readonly retry: Retry
  readonly failures: Failures
  readonly clock: Clock.Clock
}

/**
 * Writes one planned batch (indexes into `items`), retrying transient failures of the call and
 * its unprocessed items with backoff, and records what is still unwritten when the policy gives
 * up. One generator, reading the clock directly, rather than combinators with callbacks: it runs
 * once per 25 readings, and under tsx every named closure costs a `defineProperty` when made.
 */
const writeBatch = Effect.fnUntraced(function* (context: BatchContext, batch: ReadonlyArray<number>) {
  const { table, items, failures, policy } = context
  let pending: ReadonlyArray<Item> = batch.map((i) => items[i] as Item)
  const started = context.clock.currentTimeMillisUnsafe()
  for (let attempt = 1; ; attempt++) {
    const result = yield* Effect.result(table.batchWrite(pending).pipe(context.retry))
    if (Result.isFailure(result)) {
      const error = result.failure
      if (error._tag !== "Poison" || batch.length === 1) {
        for (const i of batch) failures.add(i, error)
        return
      }
      // The table refused the batch as a whole: one by one, so only the guilty items are blamed.
      for (const i of batch) {
        const put = yield* Effect.result(table.put(items[i] as Item).pipe(context.retry))
        if (Result.isFailure(put)) failures.add(i, put.failure)
      }
      return
    }
    if (result.success.unprocessed.length === 0) return
    pending = result.success.unprocessed
    if (
      attempt >= policy.maxAttempts ||
      context.clock.currentTimeMillisUnsafe() - started > policy.maxElapsedMs
    ) {
      // The table kept refusing for lack of capacity: transient, so the caller retries later.
      const error = new Throttled({
        reason: `${pending.length} items still unprocessed after ${attempt} batch writes`,
      })
      const keys = new Set(pending.map(keyOf))
      for (const i of batch) if (keys.has(keyOf(items[i] as Item))) failures.add(i, error)
      return
    }
    const random = yield* Random.next
    yield* Effect.sleep(backoffDelayMs(policy, attempt - 1, random))
  }
})
