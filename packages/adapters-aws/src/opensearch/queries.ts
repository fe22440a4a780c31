/**
 * The dashboard's queries as OpenSearch request bodies, and their answers as hits.
 *
 * `search`: a `bool` filter of `term` clauses (exact, so the device field must be a keyword —
 * the index template maps it so) and one inclusive `range`, sorted and sized. `latestPerDevice`:
 * a `terms` aggregation on the device field in key order with a `top_hits` sub-aggregation
 * sorted newest first — one request, however many devices. `top_hits` returns at most
 * `index.max_inner_result_window` hits (100 by default), so `perDevice` is capped there.
 * Searches pass `ignore_unavailable` and `allow_no_indices`, so a day without an index is no
 * hits, not an error.
 */
import type { DeviceHits, JsonObject, LatestPerDeviceQuery, SearchHit, SearchQuery } from "@sluice/core"

/** OpenSearch's default `index.max_result_window`. */
export const MAX_RESULT_WINDOW = 10_000
/** OpenSearch's default `index.max_inner_result_window`, which bounds `top_hits`. */
export const MAX_INNER_RESULT_WINDOW = 100
const DEFAULT_SIZE = 10
const DEFAULT_MAX_DEVICES = 100

export const SEARCH_QUERYSTRING = { ignore_unavailable: true, allow_no_indices: true } as const

/** An index name, pattern or comma list as a URL path segment (commas and `*` kept). */
export const indexPath = (index: string): string =>
  index
    .split(",")
    .map((part) => encodeURIComponent(part.trim()))
    .join(",")

const filtersOf = (terms: SearchQuery["terms"], range: SearchQuery["range"]) => {
  const filter: Array<Record<string, unknown>> = Object.entries(terms ?? {}).map(([field, value]) => ({
    term: { [field]: value },
  }))
  if (range !== undefined) {
    const bounds: Record<string, unknown> = {}
    if (range.from !== undefined) bounds.gte = range.from
    if (range.to !== undefined) bounds.lte = range.to
    filter.push({ range: { [range.field]: bounds } })
  }
  return { bool: { filter } }
}

export const searchBody = (query: SearchQuery): Record<string, unknown> => ({
  size: Math.min(query.size ?? DEFAULT_SIZE, MAX_RESULT_WINDOW),
  query: filtersOf(query.terms, query.range),
  ...(query.sort ? { sort: [{ [query.sort.field]: { order: query.sort.order } }] } : {}),
})

export const latestPerDeviceBody = (query: LatestPerDeviceQuery): Record<string, unknown> => ({
  size: 0,
  query: filtersOf(undefined, query.range),
  aggs: {
    devices: {
      terms: {
        field: query.deviceField,
        size: query.maxDevices ?? DEFAULT_MAX_DEVICES,
        order: { _key: "asc" },
      },
      aggs: {
        latest: {
          top_hits: {
            size: Math.min(query.perDevice, MAX_INNER_RESULT_WINDOW),
            sort: [{ [query.timeField]: { order: "desc" } }],
          },
        },
      },
    },
  },
})

interface RawHit {
  readonly _index?: unknown
  readonly _id?: unknown
  readonly _source?: unknown
}

const hitOf = (raw: RawHit): SearchHit => ({
  index: String(raw._index),
  id: String(raw._id),
  source: (raw._source ?? {}) as JsonObject,
})

const hitsIn = (hits: unknown): ReadonlyArray<SearchHit> => {
  const list = (hits as { hits?: unknown } | null | undefined)?.hits
  return Array.isArray(list) ? list.map((raw) => hitOf(raw as RawHit)) : []
}

export const hitsOfSearch = (body: unknown): ReadonlyArray<SearchHit> =>
  hitsIn((body as { hits?: unknown }).hits)

export const devicesOfAggregation = (body: unknown): ReadonlyArray<DeviceHits> => {
  const buckets = (body as { aggregations?: { devices?: { buckets?: unknown } } }).aggregations?.devices
    ?.buckets
  if (!Array.isArray(buckets)) return []
  return buckets.map((bucket) => {
    const b = bucket as { key?: unknown; latest?: { hits?: unknown } }
    return { deviceId: String(b.key), hits: hitsIn(b.latest?.hits) }
  })
}
