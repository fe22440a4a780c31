/**
 * The SearchIndex port in memory, with OpenSearch's bulk semantics and seeded faults.
 *
 * Documents are stored per index by id, so indexing the same id again replaces the document
 * (`created: false`), as OpenSearch's `index` action does. Each index keeps a dynamic mapping
 * (dynamicMapping.ts): an item whose field cannot take the type the index already gave it fails
 * as Poison, the other items of the request still land. Writes are visible at once; `refresh`
 * exists for the contract and does nothing here.
 *
 * Faults (faults.ts), drawn when the request runs: `throttle` / `error` fail the whole request
 * (429 / 5xx); `partial` answers a random subset of items with 429 (Throttled) and indexes the
 * rest; `itemErrors` is the chance an item fails with a 5xx (Retryable); `timeoutAfterWrite`
 * indexes everything then fails Retryable; `crash` indexes a prefix then dies; `poison(source)`
 * rejects an item for good. A request over `limits.maxBytes` fails whole as Poison (HTTP 413).
 */
import {
  type BatchLimits,
  type BulkItemResult,
  bulkItemBytes,
  type DeviceHits,
  invalidDocumentIdReason,
  invalidIndexNameReason,
  type JsonObject,
  type LatestPerDeviceQuery,
  openSearchBulk,
  Poison,
  Retryable,
  type SearchDocument,
  type SearchHit,
  SearchIndex,
  type SearchIndexError,
  type SearchQuery,
  Throttled,
} from "@sluice/core"
import { Effect, Layer } from "effect"
import { type FaultInjector, type FaultPlan, makeFaultInjector, SimulatedCrash } from "../faults.ts"
import { type SeededRandom, seededRandom } from "../seededRandom.ts"
import { checkAgainstMapping, type Mapping } from "./dynamicMapping.ts"
import {
  byIndexAndId,
  bySortField,
  fieldValue,
  matchesIndexPattern,
  matchesRange,
  matchesTerms,
} from "./queryMatching.ts"

/** OpenSearch's default `index.max_result_window`: no search returns more hits. */
export const MAX_RESULT_WINDOW = 10_000
const DEFAULT_SIZE = 10
const DEFAULT_MAX_DEVICES = 100

export interface MemorySearchIndexOptions {
  readonly faults?: FaultPlan
  /** Chance that an item fails with a 5xx (Retryable) in a request. */
  readonly itemErrors?: number
  readonly seed?: number
  readonly limits?: BatchLimits
  /**
   * Keep at most this many documents, dropping the oldest indexed first (a long-running local
   * dashboard needs recent readings, not all of them in memory). Default: no bound.
   */
  readonly maxDocuments?: number
  /** Keep every bulk request in `requests` for tests to inspect. Default true. */
  readonly recordRequests?: boolean
}

export interface StoredIndex {
  readonly documents: Map<string, JsonObject>
  readonly mapping: Mapping
}

export interface MemorySearchIndexState {
  readonly indexes: Map<string, StoredIndex>
  readonly injector: FaultInjector
  readonly itemRandom: SeededRandom
  readonly itemErrors: number
  /** Documents per `_bulk` request received, in order: what tests check limits and retries on. */
  readonly requests: Array<ReadonlyArray<SearchDocument>>
  readonly recordRequests: boolean
  readonly maxDocuments: number
  /** Documents in the order they were first indexed, for eviction: [index, id], from `evictFrom`. */
  readonly insertionOrder: Array<readonly [string, string]>
  evictFrom: number
  documentCount: number
}

export const makeState = (options: MemorySearchIndexOptions = {}): MemorySearchIndexState => ({
  indexes: new Map(),
  injector: makeFaultInjector(options.faults, options.seed),
  // A second stream, so adding item errors does not shift the request-level faults of a seed.
  itemRandom: seededRandom((options.seed ?? 1) ^ 0x5ea2c4),
  itemErrors: options.itemErrors ?? 0,
  requests: [],
  recordRequests: options.recordRequests ?? true,
  maxDocuments: options.maxDocuments ?? Number.POSITIVE_INFINITY,
  insertionOrder: [],
  evictFrom: 0,
  documentCount: 0,
})

/** Drops the oldest documents while there are more than the bound. */
const evictOldest = (state: MemorySearchIndexState) => {
  while (state.documentCount > state.maxDocuments && state.evictFrom < state.insertionOrder.length) {
    const [index, id] = state.insertionOrder[state.evictFrom] as readonly [string, string]
    state.evictFrom++
    if (state.indexes.get(index)?.documents.delete(id)) state.documentCount--
  }
  // Compact the queue once evicted entries are half of it: it then holds at most twice the live
  // documents (each evicted entry keeps its id string alive), at an amortised O(1) per insert.
  if (state.evictFrom >= 1_024 && state.evictFrom * 2 > state.insertionOrder.length) {
    state.insertionOrder.splice(0, state.evictFrom)
    state.evictFrom = 0
  }
}

const hitsOf = (state: MemorySearchIndexState, pattern: string): SearchHit[] => {
  const hits: SearchHit[] = []
  for (const [index, stored] of state.indexes)
    if (matchesIndexPattern(pattern, index))
      for (const [id, source] of stored.documents) hits.push({ index, id, source })
  return hits
}

export const makeService = (state: MemorySearchIndexState, limits: BatchLimits): SearchIndex["Service"] => {
  const indexOne = (document: SearchDocument, throttle: boolean): BulkItemResult => {
    const { index, id } = document
    const poison =
      invalidIndexNameReason(index) ??
      invalidDocumentIdReason(id) ??
      state.injector.plan.poison?.(document.source)
    if (poison !== undefined) return { _tag: "Failed", index, id, error: new Poison({ reason: poison }) }
    if (throttle)
      return { _tag: "Failed", index, id, error: new Throttled({ reason: "simulated 429 for this item" }) }
    if (state.itemErrors > 0 && state.itemRandom.next() < state.itemErrors)
      return { _tag: "Failed", index, id, error: new Retryable({ reason: "simulated 5xx for this item" }) }
    const stored = state.indexes.get(index) ?? { documents: new Map(), mapping: new Map() }
    const checked = checkAgainstMapping(stored.mapping, document.source)
    if ("rejected" in checked)
      return { _tag: "Failed", index, id, error: new Poison({ reason: checked.rejected }) }
    for (const [path, type] of checked.added) stored.mapping.set(path, type)
    const created = !stored.documents.has(id)
    stored.documents.set(id, document.source)
    state.indexes.set(index, stored)
    if (created) {
      state.documentCount++
      if (Number.isFinite(state.maxDocuments)) {
        state.insertionOrder.push([index, id])
        evictOldest(state)
      }
    }
    return { _tag: "Indexed", index, id, created }
  }

  const bulk = (documents: ReadonlyArray<SearchDocument>) =>
    Effect.suspend((): Effect.Effect<ReadonlyArray<BulkItemResult>, SearchIndexError> => {
      if (state.recordRequests) state.requests.push(documents)
      const fault = state.injector.draw(true)
      if (fault === "throttle") return Effect.fail(new Throttled({ reason: "simulated 429 for the request" }))
      if (fault === "error") return Effect.fail(new Retryable({ reason: "simulated 5xx for the request" }))
      const bytes = documents.reduce((sum, document) => sum + bulkItemBytes(document), 0)
      if (bytes > limits.maxBytes)
        return Effect.fail(
          new Poison({ reason: `413: request of ${bytes} bytes is over ${limits.maxBytes}` }),
        )
      if (fault === "crash") {
        const applied = state.injector.prefix(documents.length)
        for (const document of documents.slice(0, applied)) indexOne(document, false)
        return Effect.die(new SimulatedCrash(`simulated crash after ${applied} of ${documents.length} items`))
      }
      const results = documents.map((document) =>
        indexOne(document, fault === "partial" && !state.injector.keep()),
      )
      return fault === "timeoutAfterWrite"
        ? Effect.fail(new Retryable({ reason: "simulated timeout after the request was applied" }))
        : Effect.succeed(results)
    })

  const search = (query: SearchQuery) =>
    Effect.sync(() => {
      const size = Math.min(query.size ?? DEFAULT_SIZE, MAX_RESULT_WINDOW)
      const hits = hitsOf(state, query.index).filter(
        (hit) => matchesTerms(hit.source, query.terms) && matchesRange(hit.source, query.range),
      )
      hits.sort(query.sort ? bySortField(query.sort.field, query.sort.order) : byIndexAndId)
      return hits.slice(0, size)
    })

  const latestPerDevice = (query: LatestPerDeviceQuery) =>
    Effect.sync((): ReadonlyArray<DeviceHits> => {
      const byDevice = new Map<string, SearchHit[]>()
      for (const hit of hitsOf(state, query.index)) {
        const device = fieldValue(hit.source, query.deviceField)
        if (typeof device !== "string" || !matchesRange(hit.source, query.range)) continue
        byDevice.set(device, [...(byDevice.get(device) ?? []), hit])
      }
      const newestFirst = bySortField(query.timeField, "desc")
      return [...byDevice.keys()]
        .sort()
        .slice(0, query.maxDevices ?? DEFAULT_MAX_DEVICES)
        .map((deviceId) => ({
          deviceId,
          hits: (byDevice.get(deviceId) ?? []).sort(newestFirst).slice(0, query.perDevice),
        }))
    })

  return SearchIndex.of({
    limits,
    bulk,
    refresh: () => Effect.void,
    search,
    latestPerDevice,
    listIndexes: (pattern) =>
      Effect.sync(() =>
        [...state.indexes.keys()].filter((name) => matchesIndexPattern(pattern, name)).sort(),
      ),
    deleteIndex: (index) =>
      Effect.sync(() => {
        state.documentCount -= state.indexes.get(index)?.documents.size ?? 0
        state.indexes.delete(index)
      }),
  })
}

export const make = (options: MemorySearchIndexOptions = {}): SearchIndex["Service"] =>
  makeService(makeState(options), options.limits ?? openSearchBulk)

export const layer = (options: MemorySearchIndexOptions = {}): Layer.Layer<SearchIndex> =>
  Layer.sync(SearchIndex, () => make(options))
