/**
 * Port: the search index — OpenSearch as the dashboard needs it.
 *
 * Documents carry deterministic ids (the reading's event id, see search/documentIds.ts), so
 * indexing is an upsert and a replay never duplicates. Readings go to daily indexes
 * (`telemetry-YYYY-MM-DD`), so retention is "delete the old index", never a delete-by-query.
 *
 * `bulk` is one `_bulk` request: it may fail per item, with one result per document in order —
 * 429 → Throttled (retry that item after a backoff), other 4xx (mapping errors) → Poison,
 * 5xx → Retryable. core's `indexDocuments` plans requests within `limits` and retries only the
 * throttled items. Like OpenSearch the index is near-real-time: call `refresh` before a search
 * must see the writes just made. Searches take an index name, a pattern (`telemetry-*`) or a
 * comma-separated list; ties in a sort are left to the store, so sort on a field that differs.
 */
import { Context, type Effect } from "effect"
import type { BatchLimits } from "../batching/limits.ts"
import type { Fatal, Poison, Retryable, Throttled } from "../delivery/errors.ts"
import type { JsonObject } from "../telemetry/json.ts"

export interface SearchDocument {
  /** A concrete index name, e.g. `telemetry-2026-11-26`. */
  readonly index: string
  /** Deterministic, at most 512 bytes of UTF-8 (OpenSearch's `_id` limit). */
  readonly id: string
  readonly source: JsonObject
}

export type BulkItemResult =
  | { readonly _tag: "Indexed"; readonly index: string; readonly id: string; readonly created: boolean }
  | {
      readonly _tag: "Failed"
      readonly index: string
      readonly id: string
      readonly error: Retryable | Throttled | Poison
    }

export interface SearchHit {
  readonly index: string
  readonly id: string
  readonly source: JsonObject
}

export type FieldValue = string | number | boolean

/** Inclusive bounds on one field; strings compare as the store compares that field (dates by time). */
export interface FieldRange {
  readonly field: string
  readonly from?: FieldValue
  readonly to?: FieldValue
}

export interface SearchQuery {
  /** An index name, a pattern with `*`, or a comma-separated list of them. */
  readonly index: string
  /** Exact matches on keyword/number/boolean fields, all of which must hold. */
  readonly terms?: Readonly<Record<string, FieldValue>>
  readonly range?: FieldRange
  readonly sort?: { readonly field: string; readonly order: "asc" | "desc" }
  /** Most hits returned (default 10, at most 10,000). */
  readonly size?: number
}

export interface LatestPerDeviceQuery {
  readonly index: string
  /** The keyword field naming the device (e.g. `DEVICE_NAME`). */
  readonly deviceField: string
  /** The date field ordering a device's documents (e.g. `timestamp`). */
  readonly timeField: string
  /** Most documents per device, newest first. */
  readonly perDevice: number
  /** Most devices returned, in device order (default 100). */
  readonly maxDevices?: number
  readonly range?: FieldRange
}

export interface DeviceHits {
  readonly deviceId: string
  /** Newest first. */
  readonly hits: ReadonlyArray<SearchHit>
}

export type SearchIndexError = Retryable | Throttled | Fatal | Poison

export class SearchIndex extends Context.Service<
  SearchIndex,
  {
    /** Limits of one bulk request; sizes as `bulkItemBytes` measures them (action + source lines). */
    readonly limits: BatchLimits
    /** One `_bulk` request indexing documents by id (upsert); one result per document, in order. */
    readonly bulk: (
      documents: ReadonlyArray<SearchDocument>,
    ) => Effect.Effect<ReadonlyArray<BulkItemResult>, SearchIndexError>
    /** Makes every write so far to the matching indexes visible to search. */
    readonly refresh: (index: string) => Effect.Effect<void, SearchIndexError>
    /** Documents matching the query, in sort order; no matching index means no hits. */
    readonly search: (query: SearchQuery) => Effect.Effect<ReadonlyArray<SearchHit>, SearchIndexError>
    /** The newest documents of each device (a dashboard's "latest readings"), by device. */
    readonly latestPerDevice: (
      query: LatestPerDeviceQuery,
    ) => Effect.Effect<ReadonlyArray<DeviceHits>, SearchIndexError>
    /** Index names matching a pattern, sorted. */
    readonly listIndexes: (pattern: string) => Effect.Effect<ReadonlyArray<string>, SearchIndexError>
    /** Deletes one index with everything in it; a missing index is not an error. */
    readonly deleteIndex: (index: string) => Effect.Effect<void, SearchIndexError>
  }
>()("@sluice/core/ports/SearchIndex") {}
