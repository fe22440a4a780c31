/**
 * Search documents of readings: deterministic ids, daily indexes, and their bulk size.
 *
 * A reading's document id is its event id (`<deviceId>/<sortKey>`), the same id the table and
 * the lake use, so indexing a replay overwrites instead of duplicating. OpenSearch rejects an
 * `_id` over 512 bytes; event ids are far shorter (a thing name is at most 128 characters), and
 * an id that is not is Poison — never truncated, which could merge two readings.
 *
 * The document is the hands-on search rule's shape (`SELECT TIMESTAMP as timestamp, HUMIDITY,
 * TEMPERATURE, DEVICE_NAME`): every published field, plus `timestamp`, the reading's canonical
 * time, which the index template maps as a date.
 */
import type { SearchDocument } from "../ports/searchIndex.ts"
import type { TelemetryEvent } from "../telemetry/envelope.ts"
import type { JsonObject } from "../telemetry/json.ts"
import { utf8Length } from "../telemetry/json.ts"
import { DEFAULT_INDEX_PREFIX, dailyIndexName } from "./dailyIndex.ts"

/** OpenSearch's limit on `_id`, in bytes (Index document API: "_id … up to 512 bytes"). */
export const MAX_DOCUMENT_ID_BYTES = 512

/** The field of a search document holding the reading's time (mapped as a date). */
export const SEARCH_TIME_FIELD = "timestamp"
/** The field naming the device (mapped as a keyword). */
export const SEARCH_DEVICE_FIELD = "DEVICE_NAME"

/** Why an id cannot be an `_id`, or undefined when it can. */
export const invalidDocumentIdReason = (id: string): string | undefined => {
  if (id.length === 0) return "a document id cannot be empty"
  const bytes = utf8Length(id)
  return bytes > MAX_DOCUMENT_ID_BYTES
    ? `document id is ${bytes} bytes, over OpenSearch's ${MAX_DOCUMENT_ID_BYTES}-byte _id limit`
    : undefined
}

/** The search document of a reading, in its daily index, under its event id. */
export const searchDocumentOf = (
  event: TelemetryEvent,
  indexPrefix: string = DEFAULT_INDEX_PREFIX,
): SearchDocument => {
  const source: JsonObject = { ...event.reading.fields, [SEARCH_TIME_FIELD]: event.reading.time }
  return { index: dailyIndexName(event.reading.epochMs, indexPrefix), id: event.id, source }
}

const decoder = new TextDecoder()

/**
 * A document as a search hand-off stream carries it (`{"index","id","source"}` as JSON bytes, what
 * the search rule action appends); undefined for anything else, which the indexer skips.
 */
export const searchDocumentFromRecord = (data: Uint8Array): SearchDocument | undefined => {
  try {
    const value = JSON.parse(decoder.decode(data)) as { index?: unknown; id?: unknown; source?: unknown }
    if (typeof value.index !== "string" || typeof value.id !== "string") return undefined
    if (typeof value.source !== "object" || value.source === null || Array.isArray(value.source))
      return undefined
    return { index: value.index, id: value.id, source: value.source as JsonObject }
  } catch {
    return undefined
  }
}

/**
 * Bytes a document adds to a `_bulk` body: the action line, the source line and their two
 * newlines — what the request size limit counts. JSON escaping is measured, not estimated.
 */
export const bulkItemBytes = (document: SearchDocument): number =>
  utf8Length(bulkActionLine(document)) + utf8Length(JSON.stringify(document.source)) + 2

/** The `_bulk` action line of a document (without its newline). */
export const bulkActionLine = (document: SearchDocument): string =>
  JSON.stringify({ index: { _index: document.index, _id: document.id } })

/** The NDJSON `_bulk` body of documents: action line, source line, each newline-terminated. */
export const bulkBody = (documents: ReadonlyArray<SearchDocument>): string => {
  let body = ""
  for (const document of documents)
    body += `${bulkActionLine(document)}\n${JSON.stringify(document.source)}\n`
  return body
}
