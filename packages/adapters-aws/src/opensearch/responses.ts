/**
 * OpenSearch answers, mapped onto core's four delivery errors.
 *
 * Whole request (HTTP status, or no answer at all):
 *   429 → Throttled (honouring `Retry-After`); 5xx, 408, timeouts, resets → Retryable;
 *   401/403 → Fatal (credentials or the domain's access policy: retrying cannot help, and the
 *   records are not at fault); other 4xx → Poison (this request can never succeed as sent).
 *   413 is handled before it gets here: the adapter splits the request (openSearchIndex.ts).
 * Per bulk item (`items[i].index.status` of an HTTP 200 with `errors: true`):
 *   2xx → indexed (201 created, 200 updated); 429 → Throttled; 5xx → Retryable; other 4xx
 *   (`mapper_parsing_exception`, `illegal_argument_exception`, …) → Poison with the reason.
 * Errors the client raises carry `meta.statusCode`, `meta.body` and `meta.headers`
 * (ResponseError) or a `name` like `ConnectionError`/`TimeoutError`; we read those facts
 * without importing the client's classes.
 */
import { type BulkItemResult, Fatal, Poison, Retryable, type SearchIndexError, Throttled } from "@sluice/core"

const TRANSPORT_FAILURES = new Set([
  "ConnectionError",
  "TimeoutError",
  "NoLivingConnectionsError",
  "RequestAbortedError",
])

/** The error type and reason OpenSearch puts in an error body, in one line. */
export const errorReasonOf = (body: unknown): string => {
  if (typeof body === "string") return body.slice(0, 500)
  if (typeof body !== "object" || body === null) return "no reason given"
  const b = body as { error?: unknown; message?: unknown; Message?: unknown }
  if (typeof b.error === "object" && b.error !== null) {
    const e = b.error as { type?: unknown; reason?: unknown; caused_by?: { reason?: unknown } }
    const cause = typeof e.caused_by?.reason === "string" ? ` (${e.caused_by.reason})` : ""
    return `${String(e.type ?? "error")}: ${String(e.reason ?? "")}${cause}`
  }
  if (typeof b.error === "string") return b.error
  const message = b.message ?? b.Message
  return typeof message === "string" ? message : JSON.stringify(body).slice(0, 500)
}

const retryAfterMsOf = (headers: Record<string, unknown> | null | undefined): number | undefined => {
  const value = headers?.["retry-after"]
  const seconds = typeof value === "string" || typeof value === "number" ? Number(value) : Number.NaN
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined
}

/** The delivery error of a whole-request HTTP status. */
export const errorOfStatus = (
  status: number,
  body: unknown,
  headers?: Record<string, unknown> | null,
): SearchIndexError => {
  const reason = `HTTP ${status}: ${errorReasonOf(body)}`
  if (status === 429) {
    const retryAfterMs = retryAfterMsOf(headers)
    return new Throttled(retryAfterMs === undefined ? { reason } : { reason, retryAfterMs })
  }
  if (status >= 500 || status === 408) return new Retryable({ reason })
  if (status === 401 || status === 403) return new Fatal({ reason })
  return new Poison({ reason })
}

/** The status code of a client error, when the domain answered. */
export const statusOfError = (error: unknown): number | undefined => {
  const meta = (error as { meta?: { statusCode?: unknown } } | null)?.meta
  return typeof meta?.statusCode === "number" ? meta.statusCode : undefined
}

/** The delivery error of anything the transport threw. */
export const errorOfFailure = (error: unknown): SearchIndexError => {
  const meta = (error as { meta?: { statusCode?: unknown; body?: unknown; headers?: unknown } } | null)?.meta
  const status = statusOfError(error)
  if (status !== undefined)
    return errorOfStatus(status, meta?.body, meta?.headers as Record<string, unknown> | undefined)
  const name = (error as { name?: unknown } | null)?.name
  const message = error instanceof Error ? error.message : String(error)
  if (typeof name === "string" && TRANSPORT_FAILURES.has(name))
    return new Retryable({ reason: `${name}: ${message}`, cause: error })
  // Credentials that cannot be loaded, a bad configuration: nothing a retry fixes.
  return new Fatal({ reason: `${typeof name === "string" ? name : "Error"}: ${message}`, cause: error })
}

interface BulkItemAnswer {
  readonly _index?: unknown
  readonly _id?: unknown
  readonly status?: unknown
  readonly result?: unknown
  readonly error?: unknown
}

/** One bulk item's answer as a result for the document it belongs to. */
export const bulkItemResultOf = (
  index: string,
  id: string,
  answer: BulkItemAnswer | undefined,
): BulkItemResult => {
  const status = typeof answer?.status === "number" ? answer.status : undefined
  if (status !== undefined && status >= 200 && status < 300)
    return { _tag: "Indexed", index, id, created: status === 201 || answer?.result === "created" }
  const reason = `item ${status ?? "without status"}: ${errorReasonOf({ error: answer?.error })}`
  if (status === 429) return { _tag: "Failed", index, id, error: new Throttled({ reason }) }
  if (status === undefined || status >= 500)
    return { _tag: "Failed", index, id, error: new Retryable({ reason }) }
  return { _tag: "Failed", index, id, error: new Poison({ reason }) }
}

/** The per-item answers of a `_bulk` response body, in request order. */
export const bulkItemsOf = (body: unknown): ReadonlyArray<BulkItemAnswer> | undefined => {
  const items = (body as { items?: unknown } | null)?.items
  if (!Array.isArray(items)) return undefined
  // Each item is `{ "<action>": { … } }`; we only send `index` actions.
  return items.map(
    (item) =>
      (item as { index?: BulkItemAnswer }).index ?? (Object.values(item as object)[0] as BulkItemAnswer),
  )
}
