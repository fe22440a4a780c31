/**
 * The OpenSearch SearchIndex adapter against a recorded-response mock server: the requests it
 * sends (SigV4-signed NDJSON `_bulk` with deterministic `_id`s into daily indexes, searches,
 * aggregations, index administration) and its handling of OpenSearch's documented answers —
 * partial `errors: true` with per-item 429/400/5xx, whole-request 429/5xx/403, and 413.
 */
import {
  type BulkItemResult,
  dailyIndexName,
  indexDocuments,
  makeEvent,
  readingFromJson,
  type SearchDocument,
  SearchIndex,
  searchDocumentOf,
} from "@sluice/core"
import { Effect, Exit, Result } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { OpenSearchIndex, signedOpenSearchClient, transportOf } from "../../src/opensearch/index.ts"
import {
  bulkAnswer,
  bulkLines,
  type RecordedResponseServer,
  startRecordedResponseServer,
} from "./recordedResponseServer.ts"

const DAY = Date.UTC(2026, 10, 26, 7, 12, 0)
const doc = (i: number): SearchDocument => {
  const payload = {
    DEVICE_NAME: `dev-${i % 2}`,
    TIMESTAMP: new Date(DAY + i * 1000).toISOString().slice(0, 19),
    TEMPERATURE: 20 + i,
    HUMIDITY: 50,
  }
  return searchDocumentOf(makeEvent(Result.getOrThrow(readingFromJson(payload))))
}
const tags = (results: ReadonlyArray<BulkItemResult>) =>
  results.map((r) => (r._tag === "Indexed" ? (r.created ? "created" : "updated") : r.error._tag))
const fastPolicy = { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 5, maxElapsedMs: 10_000 }

describe("OpenSearch adapter against a recorded-response mock server", () => {
  let server: RecordedResponseServer
  let search: SearchIndex["Service"]
  const savedEnv = { ...process.env }

  beforeAll(async () => {
    server = await startRecordedResponseServer()
    // The default credential chain reads these first: signing needs no AWS account.
    process.env.AWS_ACCESS_KEY_ID = "AKIDEXAMPLE"
    process.env.AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    delete process.env.AWS_SESSION_TOKEN
    delete process.env.AWS_PROFILE
    const client = signedOpenSearchClient({ node: server.url, region: "us-east-1" })
    search = OpenSearchIndex.make(transportOf(client))
  })
  afterAll(async () => {
    process.env = savedEnv
    await server.close()
  })
  beforeEach(() => {
    server.requests.length = 0
  })

  const run = <A, E>(effect: Effect.Effect<A, E, SearchIndex>) =>
    Effect.runPromise(Effect.provideService(effect, SearchIndex, search))
  it("sends one SigV4-signed NDJSON _bulk of index actions with deterministic _ids into daily indexes", async () => {
    server.respondWith((request) => bulkAnswer(request, () => 201))
    const docs = [doc(0), doc(1)]
    const results = await run(SearchIndex.use((s) => s.bulk(docs)))
    expect(tags(results)).toEqual(["created", "created"])
    const [request] = server.requests
    expect(request).toMatchObject({ method: "POST", path: "/_bulk" })
    expect(request!.headers["content-type"]).toBe("application/x-ndjson")
    expect(request!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/es\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    )
    expect(request!.headers["x-amz-content-sha256"]).toMatch(/^[0-9a-f]{64}$/)
    expect(request!.body.endsWith("\n")).toBe(true)
    expect(bulkLines(request!.body)).toEqual(
      docs.map((d) => ({
        action: { index: { _index: "telemetry-2026-11-26", _id: d.id } },
        source: d.source,
      })),
    )
    expect(docs[0]!.id).toBe("dev-0/2026-11-26T07:12:00")
  })

  it("maps a partial errors:true answer per item: 201/200 indexed, 429 Throttled, 400 Poison, 503 Retryable", async () => {
    const statuses = [201, 200, 429, 400, 503]
    server.respondWith((request) => bulkAnswer(request, (_, i) => statuses[i]!))
    const results = await run(SearchIndex.use((s) => s.bulk([0, 1, 2, 3, 4].map(doc))))
    expect(tags(results)).toEqual(["created", "updated", "Throttled", "Poison", "Retryable"])
    expect(results[3]).toMatchObject({
      id: doc(3).id,
      error: {
        reason: expect.stringContaining("mapper_parsing_exception: failed to parse field [TEMPERATURE]"),
      },
    })
    expect(server.requests).toHaveLength(1)
  })

  it("indexDocuments resends only the 429 items, with backoff, until they are indexed", async () => {
    const throttledOnce = new Set([doc(1).id, doc(3).id])
    server.respondWith((request) =>
      bulkAnswer(request, (id) => (throttledOnce.delete(id) ? 429 : id === doc(2).id ? 400 : 201)),
    )
    const results = await run(indexDocuments([0, 1, 2, 3].map(doc), fastPolicy))
    expect(tags(results)).toEqual(["created", "created", "Poison", "created"])
    expect(server.requests.map((r) => bulkLines(r.body).map((l) => l.action.index!._id))).toEqual([
      [doc(0).id, doc(1).id, doc(2).id, doc(3).id],
      [doc(1).id, doc(3).id],
    ])
  })

  it("gives up on items still throttled after the policy's attempts, leaving them Throttled", async () => {
    server.respondWith((request) => bulkAnswer(request, (id) => (id === doc(0).id ? 429 : 201)))
    const results = await run(indexDocuments([doc(0), doc(1)], { ...fastPolicy, maxAttempts: 3 }))
    expect(tags(results)).toEqual(["Throttled", "created"])
    expect(server.requests).toHaveLength(3)
  })

  it("classifies whole-request answers: 429 with Retry-After, 503, 403, and a dropped connection", async () => {
    const bulk = SearchIndex.use((s) => s.bulk([doc(0)]))
    const failureOf = () => run(Effect.flip(bulk))
    server.respondWith(() => ({
      status: 429,
      body: { message: "Too Many Requests" },
      headers: { "retry-after": "2" },
    }))
    expect(await failureOf()).toMatchObject({ _tag: "Throttled", retryAfterMs: 2000 })
    server.respondWith(() => ({ status: 503, body: { message: "Service Unavailable" } }))
    expect(await failureOf()).toMatchObject({ _tag: "Retryable" })
    expect(server.requests.filter((r) => r.path === "/_bulk")).toHaveLength(2) // the client did not retry
    server.respondWith(() => ({
      status: 403,
      body: { Message: "User: anonymous is not authorized to perform: es:ESHttpPost" },
    }))
    expect(await failureOf()).toMatchObject({
      _tag: "Fatal",
      reason: expect.stringContaining("es:ESHttpPost"),
    })
    server.respondWith(() => ({ status: 200, hangUp: true }))
    expect(await failureOf()).toMatchObject({ _tag: "Retryable" })
  })

  it("splits a request the domain answers 413, and fails as Poison only a document too large alone", async () => {
    const big = { ...doc(5), source: { ...doc(5).source, blob: "x".repeat(3000) } }
    const docs = [doc(0), doc(1), big, doc(3)]
    server.respondWith((request) =>
      request.body.length > 2500
        ? { status: 413, body: { Message: "Request size exceeded 2500 bytes" } }
        : bulkAnswer(request, () => 201),
    )
    const results = await run(indexDocuments(docs, fastPolicy))
    expect(tags(results)).toEqual(["created", "created", "Poison", "created"])
    expect(results[2]).toMatchObject({ error: { reason: expect.stringContaining("413") } })
    expect(server.requests.map((r) => bulkLines(r.body).length)).toEqual([4, 2, 2, 1, 1])
  })

  it("searches with term filters, an inclusive range and a sort, tolerating missing daily indexes", async () => {
    server.respondWith(() => ({
      status: 200,
      body: {
        took: 1,
        timed_out: false,
        hits: {
          total: { value: 1, relation: "eq" },
          hits: [
            {
              _index: "telemetry-2026-11-26",
              _id: "dev-0/2026-11-26T07:12:00",
              _score: null,
              _source: doc(0).source,
            },
          ],
        },
      },
    }))
    const hits = await run(
      SearchIndex.use((s) =>
        s.search({
          index: "telemetry-*",
          terms: { DEVICE_NAME: "dev-0" },
          range: { field: "timestamp", from: "2026-11-26T07:00:00", to: "2026-11-26T08:00:00" },
          sort: { field: "timestamp", order: "desc" },
          size: 50,
        }),
      ),
    )
    expect(hits).toEqual([
      { index: "telemetry-2026-11-26", id: "dev-0/2026-11-26T07:12:00", source: doc(0).source },
    ])
    const [request] = server.requests
    expect(request).toMatchObject({ method: "POST", path: "/telemetry-*/_search" })
    expect(request!.query.get("ignore_unavailable")).toBe("true")
    expect(request!.query.get("allow_no_indices")).toBe("true")
    expect(JSON.parse(request!.body)).toEqual({
      size: 50,
      query: {
        bool: {
          filter: [
            { term: { DEVICE_NAME: "dev-0" } },
            { range: { timestamp: { gte: "2026-11-26T07:00:00", lte: "2026-11-26T08:00:00" } } },
          ],
        },
      },
      sort: [{ timestamp: { order: "desc" } }],
    })
  })

  it("asks for the latest N per device in one terms + top_hits aggregation", async () => {
    const bucket = (key: string, ids: string[]) => ({
      key,
      doc_count: ids.length,
      latest: {
        hits: { hits: ids.map((id) => ({ _index: "telemetry-2026-11-26", _id: id, _source: { id } })) },
      },
    })
    server.respondWith(() => ({
      status: 200,
      body: {
        hits: { total: { value: 3 }, hits: [] },
        aggregations: { devices: { buckets: [bucket("dev-0", ["a2", "a1"]), bucket("dev-1", ["b1"])] } },
      },
    }))
    const latest = await run(
      SearchIndex.use((s) =>
        s.latestPerDevice({
          index: "telemetry-*",
          deviceField: "DEVICE_NAME",
          timeField: "timestamp",
          perDevice: 500,
        }),
      ),
    )
    expect(latest.map((d) => [d.deviceId, d.hits.map((h) => h.id)])).toEqual([
      ["dev-0", ["a2", "a1"]],
      ["dev-1", ["b1"]],
    ])
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({
      size: 0,
      aggs: {
        devices: {
          terms: { field: "DEVICE_NAME", size: 100, order: { _key: "asc" } },
          aggs: { latest: { top_hits: { size: 100, sort: [{ timestamp: { order: "desc" } }] } } },
        },
      },
    })
  })

  it("lists, refreshes and deletes indexes; a missing index is no error, a pattern is never deleted", async () => {
    server.respondWith((request) => {
      if (request.path.startsWith("/_cat/indices/telemetry-*"))
        return { status: 200, body: [{ index: "telemetry-2026-11-27" }, { index: "telemetry-2026-11-26" }] }
      if (request.method === "DELETE")
        return {
          status: 404,
          body: { error: { type: "index_not_found_exception", reason: "no such index" }, status: 404 },
        }
      return { status: 200, body: { _shards: { total: 1, successful: 1, failed: 0 } } }
    })
    await run(
      Effect.gen(function* () {
        const s = yield* SearchIndex
        expect(yield* s.listIndexes("telemetry-*")).toEqual(["telemetry-2026-11-26", "telemetry-2026-11-27"])
        yield* s.refresh("telemetry-*")
        yield* s.deleteIndex(dailyIndexName(DAY))
        const refused = yield* Effect.exit(s.deleteIndex("telemetry-*"))
        expect(Exit.isFailure(refused)).toBe(true)
      }),
    )
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /_cat/indices/telemetry-*",
      "POST /telemetry-*/_refresh",
      "DELETE /telemetry-2026-11-26",
    ])
    expect(server.requests[0]!.query.get("format")).toBe("json")
  })
})
