/**
 * Port: the table — the hands-on's DynamoDB table, as the pipeline needs it.
 *
 * It holds two collections of items shaped `{ deviceId, ts, ...fields }`:
 * - readings, keyed (deviceId, ts), where `ts` is the reading's sort key;
 * - latest-state records, one per device, that only ever move forward: `putLatestIfNewer`
 *   writes only if no record exists or the stored record's `ts` sorts before the new one's.
 * Keeping them apart means a scan of readings is exactly the readings.
 *
 * Every write is idempotent (same key, same item), so any write may be retried. `batchWrite`
 * reports the items the store did not process (DynamoDB's UnprocessedItems); the caller retries
 * them with backoff. `limits` are the store's batch limits, used by core's batch planner.
 */
import { Context, type Effect } from "effect"
import type { BatchLimits } from "../batching/limits.ts"
import type { Fatal, Poison, Retryable, Throttled } from "../delivery/errors.ts"
import type { JsonObject } from "../telemetry/json.ts"

export type Item = JsonObject & { readonly deviceId: string; readonly ts: string }

export interface TableKey {
  readonly deviceId: string
  readonly ts: string
}

/** Inclusive bounds on `ts`; either may be left out. */
export interface TimeRange {
  readonly from?: string
  readonly to?: string
}

export interface BatchWriteResult {
  /** Items the store did not write this time; retry them. */
  readonly unprocessed: ReadonlyArray<Item>
}

export type ConditionalPutResult =
  | { readonly written: true }
  | { readonly written: false; readonly existing: Item | undefined }

export type TableError = Retryable | Throttled | Fatal | Poison

export class Table extends Context.Service<
  Table,
  {
    /** Batch limits of the store (count, bytes, bytes per item). */
    readonly limits: BatchLimits
    /** Writes a reading, replacing any with the same key. */
    readonly put: (item: Item) => Effect.Effect<void, TableError>
    /** Writes readings within `limits`; never applies conditions. */
    readonly batchWrite: (items: ReadonlyArray<Item>) => Effect.Effect<BatchWriteResult, TableError>
    /** Reads one reading by key. */
    readonly get: (key: TableKey) => Effect.Effect<Item | undefined, TableError>
    /** A device's readings with `ts` in range, in `ts` order. */
    readonly query: (deviceId: string, range?: TimeRange) => Effect.Effect<ReadonlyArray<Item>, TableError>
    /** Every reading, ordered by (deviceId, ts). */
    readonly scan: () => Effect.Effect<ReadonlyArray<Item>, TableError>
    /** Writes the device's latest-state record only if it is newer than the stored one (by `ts`). */
    readonly putLatestIfNewer: (item: Item) => Effect.Effect<ConditionalPutResult, TableError>
    /** A device's latest-state record. */
    readonly getLatest: (deviceId: string) => Effect.Effect<Item | undefined, TableError>
    /** Every latest-state record, ordered by deviceId. */
    readonly scanLatest: () => Effect.Effect<ReadonlyArray<Item>, TableError>
  }
>()("@sluice/core/ports/Table") {}
