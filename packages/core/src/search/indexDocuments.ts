/**
 * Indexes documents through the SearchIndex port: requests within limits, throttled items retried.
 *
 * Plans `_bulk` requests with the batch planner (sizes from `bulkItemBytes`, limits from the
 * port), in input order. A document that can never be sent — an `_id` over 512 bytes, an
 * invalid index name, a source over the per-request limit — fails as Poison without a request.
 *
 * Only throttling is retried here, with the retry policy's full-jitter backoff: the items a
 * `_bulk` answered with 429, or the whole request when the domain answered 429. That is
 * OpenSearch's own guidance ("retry only the 429 items"): a 4xx item would fail again, and a
 * 5xx item is returned as Retryable for the caller's own redelivery (Lambda's retry of the
 * batch, the local consumer's), which keeps one retry budget per record instead of two
 * stacked ones. Whole-request Retryable and Fatal errors propagate unchanged.
 *
 * Results come back one per input document, in input order. `results` is filled by position, so a
 * document planned into any batch lands back in its own slot.
 */
import { Effect, Random } from "effect"
import { planBatches } from "../batching/planner.ts"
import { Fatal, Poison, type Throttled } from "../delivery/errors.ts"
import { backoffDelayMs, defaultRetryPolicy, type RetryPolicy } from "../delivery/retryPolicy.ts"
import { nowMs } from "../ports/clock.ts"
import {
  type BulkItemResult,
  type SearchDocument,
  SearchIndex,
  type SearchIndexError,
} from "../ports/searchIndex.ts"
import { invalidIndexNameReason } from "./dailyIndex.ts"
import { bulkItemBytes, invalidDocumentIdReason } from "./documents.ts"

const failed = (document: SearchDocument, error: Poison | Throttled): BulkItemResult => ({
  _tag: "Failed",
  index: document.index,
  id: document.id,
  error,
})

/** Sends one planned batch, retrying throttled items (or a throttled request) under the policy. */
const sendWithThrottleRetry = (
  batch: ReadonlyArray<{ readonly document: SearchDocument; readonly position: number }>,
  policy: RetryPolicy,
  results: Array<BulkItemResult | undefined>,
) =>
  Effect.gen(function* () {
    const search = yield* SearchIndex
    const started = yield* nowMs
    let pending = batch
    for (let attempt = 1; pending.length > 0; attempt++) {
      const answer = yield* Effect.result(search.bulk(pending.map((p) => p.document)))
      let throttled: typeof pending = []
      let reason: Throttled | undefined
      if (answer._tag === "Failure") {
        if (answer.failure._tag !== "Throttled") return yield* Effect.fail(answer.failure)
        throttled = pending
        reason = answer.failure
      } else {
        answer.success.forEach((result, i) => {
          const entry = pending[i]
          if (entry === undefined) return
          if (result._tag === "Failed" && result.error._tag === "Throttled") {
            throttled = [...throttled, entry]
            reason = result.error
          } else results[entry.position] = result
        })
      }
      if (throttled.length === 0 || reason === undefined) return
      const elapsed = (yield* nowMs) - started
      if (attempt >= policy.maxAttempts || elapsed > policy.maxElapsedMs) {
        for (const entry of throttled) results[entry.position] = failed(entry.document, reason)
        return
      }
      const random = yield* Random.next
      yield* Effect.sleep(backoffDelayMs(policy, attempt - 1, random, reason))
      pending = throttled
    }
  })

export const indexDocuments = (
  documents: ReadonlyArray<SearchDocument>,
  policy: RetryPolicy = defaultRetryPolicy,
): Effect.Effect<ReadonlyArray<BulkItemResult>, SearchIndexError, SearchIndex> =>
  Effect.gen(function* () {
    const { limits } = yield* SearchIndex
    const results = new Array<BulkItemResult | undefined>(documents.length).fill(undefined)
    const sendable: Array<{ readonly document: SearchDocument; readonly position: number }> = []
    documents.forEach((document, position) => {
      const reason = invalidDocumentIdReason(document.id) ?? invalidIndexNameReason(document.index)
      if (reason === undefined) sendable.push({ document, position })
      else results[position] = failed(document, new Poison({ reason }))
    })
    const plan = planBatches(sendable, (entry) => bulkItemBytes(entry.document), limits)
    for (const rejected of plan.rejected)
      results[rejected.record.position] = failed(
        rejected.record.document,
        new Poison({ reason: rejected.reason }),
      )
    for (const batch of plan.batches) yield* sendWithThrottleRetry(batch, policy, results)
    const missing = results.indexOf(undefined)
    // Only an adapter answering fewer items than it was sent gets here: the pipeline is broken.
    if (missing !== -1)
      return yield* new Fatal({ reason: `the search index returned no result for document ${missing}` })
    return results as ReadonlyArray<BulkItemResult>
  })
