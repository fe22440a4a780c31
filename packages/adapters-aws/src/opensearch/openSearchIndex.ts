/**
 * The SearchIndex port on OpenSearch (Amazon OpenSearch Service, or any OpenSearch 2.x).
 *
 * `bulk` sends one NDJSON `_bulk` request of `index` actions with the documents' own `_id`s,
 * so a replay overwrites; it answers one result per document from `items[]` (see
 * responses.ts for the mapping of statuses to errors). It never retries: core's
 * `indexDocuments` retries only the throttled items, with backoff. A 413 (the request is over
 * the domain's `http.max_content_length`) is the one exception handled here: the request is
 * split in halves and each half sent on its own, down to a single document, which fails as
 * Poison if even it is too large — so the limit being lower than `limits` assumed costs
 * requests, never data. Inside a split, a half's whole-request 429 or 5xx becomes that
 * half's items' results, so the documents already indexed by the other half are not resent.
 *
 * Searches, refresh and index listing tolerate missing indexes (a day without readings);
 * `deleteIndex` takes one concrete name, never a pattern, so a typo cannot delete every day.
 */
import {
  type BatchLimits,
  type BulkItemResult,
  bulkBody,
  Fatal,
  invalidIndexNameReason,
  type LatestPerDeviceQuery,
  openSearchBulk,
  Poison,
  type SearchDocument,
  SearchIndex,
  type SearchIndexError,
  type SearchQuery,
} from "@sluice/core"
import { Effect, Layer } from "effect"
import {
  devicesOfAggregation,
  hitsOfSearch,
  indexPath,
  latestPerDeviceBody,
  SEARCH_QUERYSTRING,
  searchBody,
} from "./queries.ts"
import { bulkItemResultOf, bulkItemsOf, errorOfFailure, errorOfStatus, statusOfError } from "./responses.ts"
import type { OpenSearchRequest, OpenSearchResponse, OpenSearchTransport } from "./transport.ts"

export interface OpenSearchIndexOptions {
  /** Bulk request limits; lower `maxBytes` to the domain's `http.max_content_length`. */
  readonly limits?: BatchLimits
}

/** HTTP 413 Payload Too Large: the body is over the domain's `http.max_content_length`. */
const PAYLOAD_TOO_LARGE = 413

type Answer = { readonly status: number; readonly response: OpenSearchResponse }

/** Sends a request; a status the transport rejected with comes back as an answer, not a throw. */
const send = (
  transport: OpenSearchTransport,
  request: OpenSearchRequest,
  ignore: number[] = [],
): Effect.Effect<Answer, SearchIndexError> =>
  Effect.tryPromise({
    try: () => transport.request(request, { maxRetries: 0, ignore }),
    catch: (error) => error,
  }).pipe(
    Effect.map((response): Answer => ({ status: response.statusCode ?? 0, response })),
    Effect.catch((error: unknown) => {
      const status = statusOfError(error)
      if (status === undefined) return Effect.fail(errorOfFailure(error))
      const meta = (error as { meta: OpenSearchResponse }).meta
      return Effect.succeed({ status, response: meta })
    }),
  )

/** Fails with the request's error unless the answer is a 2xx (or one of `ok`). */
const expectOk = (answer: Answer, ok: ReadonlyArray<number> = []): Effect.Effect<Answer, SearchIndexError> =>
  (answer.status >= 200 && answer.status < 300) || ok.includes(answer.status)
    ? Effect.succeed(answer)
    : Effect.fail(errorOfStatus(answer.status, answer.response.body, answer.response.headers))

export const make = (
  transport: OpenSearchTransport,
  options: OpenSearchIndexOptions = {},
): SearchIndex["Service"] => {
  const limits = options.limits ?? openSearchBulk

  const bulkOnce = (documents: ReadonlyArray<SearchDocument>) =>
    send(transport, { method: "POST", path: "/_bulk", bulkBody: bulkBody(documents) })

  const resultsOf = (
    documents: ReadonlyArray<SearchDocument>,
    answer: Answer,
  ): Effect.Effect<ReadonlyArray<BulkItemResult>, SearchIndexError> =>
    Effect.flatMap(expectOk(answer), ({ response }) => {
      const items = bulkItemsOf(response.body)
      if (items === undefined || items.length !== documents.length)
        return Effect.fail(
          new Fatal({
            reason: `_bulk answered ${items?.length ?? "no"} items for ${documents.length} documents`,
          }),
        )
      return Effect.succeed(documents.map((d, i) => bulkItemResultOf(d.index, d.id, items[i])))
    })

  /** Sends documents, halving on 413; `split` turns a half's request failure into item results. */
  const bulkSplitting = (
    documents: ReadonlyArray<SearchDocument>,
    split: boolean,
  ): Effect.Effect<ReadonlyArray<BulkItemResult>, SearchIndexError> =>
    Effect.gen(function* () {
      if (documents.length === 0) return []
      const answer = yield* bulkOnce(documents)
      if (answer.status === PAYLOAD_TOO_LARGE) {
        if (documents.length === 1) {
          const [d] = documents as [SearchDocument]
          const reason = "HTTP 413: the document alone is over the domain's http.max_content_length"
          return [{ _tag: "Failed", index: d.index, id: d.id, error: new Poison({ reason }) }]
        }
        const middle = Math.ceil(documents.length / 2)
        const first = yield* bulkSplitting(documents.slice(0, middle), true)
        const second = yield* bulkSplitting(documents.slice(middle), true)
        return [...first, ...second]
      }
      const results = yield* Effect.result(resultsOf(documents, answer))
      if (results._tag === "Success") return results.success
      const error = results.failure
      if (!split || error._tag === "Fatal") return yield* Effect.fail(error)
      return documents.map((d): BulkItemResult => ({ _tag: "Failed", index: d.index, id: d.id, error }))
    })

  const search = (query: SearchQuery) =>
    send(transport, {
      method: "POST",
      path: `/${indexPath(query.index)}/_search`,
      querystring: SEARCH_QUERYSTRING,
      body: searchBody(query),
    }).pipe(
      Effect.flatMap((answer) => expectOk(answer)),
      Effect.map(({ response }) => hitsOfSearch(response.body)),
    )

  const latestPerDevice = (query: LatestPerDeviceQuery) =>
    send(transport, {
      method: "POST",
      path: `/${indexPath(query.index)}/_search`,
      querystring: SEARCH_QUERYSTRING,
      body: latestPerDeviceBody(query),
    }).pipe(
      Effect.flatMap((answer) => expectOk(answer)),
      Effect.map(({ response }) => devicesOfAggregation(response.body)),
    )

  const listIndexes = (pattern: string) =>
    send(transport, {
      method: "GET",
      path: `/_cat/indices/${indexPath(pattern)}`,
      querystring: { format: "json", h: "index" },
    }).pipe(
      // A concrete name that does not exist is a 404; it is simply not there.
      Effect.flatMap((answer) => expectOk(answer, [404])),
      Effect.map(({ status, response }) =>
        status === 404 || !Array.isArray(response.body)
          ? []
          : (response.body as Array<{ index?: unknown }>).map((row) => String(row.index)).sort(),
      ),
    )

  const deleteIndex = (index: string) => {
    const invalid = invalidIndexNameReason(index)
    if (invalid !== undefined)
      return Effect.fail(new Fatal({ reason: `deleteIndex takes one index name: ${invalid}` }))
    return send(transport, { method: "DELETE", path: `/${indexPath(index)}` }).pipe(
      Effect.flatMap((answer) => expectOk(answer, [404])),
      Effect.asVoid,
    )
  }

  const refresh = (index: string) =>
    send(transport, {
      method: "POST",
      path: `/${indexPath(index)}/_refresh`,
      querystring: SEARCH_QUERYSTRING,
    }).pipe(
      Effect.flatMap((answer) => expectOk(answer)),
      Effect.asVoid,
    )

  return SearchIndex.of({
    limits,
    bulk: (documents) => bulkSplitting(documents, false),
    refresh,
    search,
    latestPerDevice,
    listIndexes,
    deleteIndex,
  })
}

export const layer = (
  transport: OpenSearchTransport,
  options: OpenSearchIndexOptions = {},
): Layer.Layer<SearchIndex> => Layer.succeed(SearchIndex, make(transport, options))
