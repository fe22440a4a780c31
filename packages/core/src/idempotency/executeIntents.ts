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
 * its writes failed. Nothing is dropped: each id gets exactly one outcome. The writes themselves
 * are `writeReadings` and `putLatestStates` (writeReadings.ts), which report failures only —
 * callers holding distinct items and needing no per-id outcome use them directly.
 */
import { Effect } from "effect"
import type { DeliveryError } from "../delivery/errors.ts"
import { failed, type RecordOutcome, succeeded } from "../delivery/reconcile.ts"
import type { RetryPolicy } from "../delivery/retryPolicy.ts"
import type { Item } from "../ports/table.ts"
import type { WriteIntent } from "./intents.ts"
import { putLatestStates, writeReadings } from "./writeReadings.ts"

export { itemBytes } from "./writeReadings.ts"

export interface ExecuteOptions {
  readonly retry?: RetryPolicy
  /** Batches written at once. */
  readonly concurrency?: number
}

interface Reading {
  item: Item
  readonly ids: string[]
  bytes: number | undefined
}

export const executeIntents = Effect.fnUntraced(function* (
  intents: ReadonlyArray<WriteIntent>,
  options: ExecuteOptions = {},
) {
  const outcomes = new Map<string, RecordOutcome>()
  const fail = (id: string, error: DeliveryError) => {
    if (outcomes.get(id)?._tag !== "Failed") outcomes.set(id, failed(error))
  }
  for (const intent of intents) outcomes.set(intent.id, succeeded)

  // Readings: last intent per key wins; every id that asked for the key shares its outcome.
  // Keyed by device, then ts: strings the items hold already, so no key string is built.
  const readings: Reading[] = []
  const byDevice = new Map<string, Map<string, Reading>>()
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
      readings.push(created)
    } else {
      entry.ids.push(intent.id)
      entry.item = intent.item
      entry.bytes = intent.bytes
    }
  }
  const written = yield* writeReadings(
    readings.map((r) => r.item),
    { ...options, sizes: readings.map((r) => r.bytes) },
  )
  for (const [index, error] of written) for (const id of (readings[index] as Reading).ids) fail(id, error)

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
  const entries = [...latest.values()]
  const moved = yield* putLatestStates(
    entries.map((e) => e.item),
    options,
  )
  for (const [index, error] of moved)
    for (const id of (entries[index] as { ids: string[] }).ids) fail(id, error)
  return outcomes as ReadonlyMap<string, RecordOutcome>
})
