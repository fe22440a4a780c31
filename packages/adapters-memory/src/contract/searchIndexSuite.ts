/**
 * The contract every SearchIndex adapter passes: memory here, the local stack's, and any
 * adapter run against a live OpenSearch. One body, every store. Each test works in its own
 * index prefix and refreshes before it searches, so it holds on a near-real-time store too.
 *
 * It checks bulk semantics (one result per document in order, upsert by deterministic id,
 * per-item Poison on a mapping conflict while the other items land), the dashboard's queries
 * (terms, inclusive time range, sort, size, latest N per device across daily indexes), index
 * listing and deletion, and core's `indexDocuments` (requests within limits, ids over 512 bytes
 * failed as Poison without a request).
 */
import {
  type BulkItemResult,
  dailyIndexName,
  dailyIndexPattern,
  indexDocuments,
  type SearchDocument,
  SearchIndex,
} from "@sluice/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { type LayerFactory, runWith } from "./run.ts"

const DAY1 = Date.UTC(2026, 10, 26, 7, 0, 0)
const DAY2 = Date.UTC(2026, 10, 27, 7, 0, 0)

const reading = (prefix: string, device: string, epochMs: number, temperature: number): SearchDocument => {
  const timestamp = new Date(epochMs).toISOString().slice(0, 19)
  return {
    index: dailyIndexName(epochMs, prefix),
    id: `${device}/${timestamp}`,
    source: { DEVICE_NAME: device, timestamp, TEMPERATURE: temperature, HUMIDITY: 50 },
  }
}

const tags = (results: ReadonlyArray<BulkItemResult>) =>
  results.map((r) => (r._tag === "Indexed" ? (r.created ? "created" : "updated") : r.error._tag))

export const searchIndexSuite = (name: string, make: LayerFactory<SearchIndex>) =>
  describe(`SearchIndex contract: ${name}`, () => {
    const run = <A, E>(prefix: string, body: Effect.Effect<A, E, SearchIndex>) =>
      runWith(
        make,
        Effect.gen(function* () {
          const search = yield* SearchIndex
          // A live store keeps indexes between runs: start clean.
          for (const index of yield* search.listIndexes(dailyIndexPattern(prefix)))
            yield* search.deleteIndex(index)
          return yield* body
        }),
      )

    it("declares usable bulk limits", () =>
      run(
        "contract-limits",
        Effect.gen(function* () {
          const { limits } = yield* SearchIndex
          expect(limits.maxCount).toBeGreaterThan(0)
          expect(limits.maxBytes).toBeGreaterThanOrEqual(limits.maxRecordBytes)
        }),
      ))

    it("indexes by deterministic id: one result per document in order, a repeat is an update", () =>
      run(
        "contract-upsert",
        Effect.gen(function* () {
          const search = yield* SearchIndex
          const p = "contract-upsert"
          const docs = [
            reading(p, "a", DAY1, 20),
            reading(p, "b", DAY1, 21),
            reading(p, "a", DAY1 + 5000, 22),
          ]
          expect(tags(yield* search.bulk(docs))).toEqual(["created", "created", "created"])
          const again = { ...docs[0]!, source: { ...docs[0]!.source, TEMPERATURE: 30 } }
          const results = yield* search.bulk([again])
          expect(results).toEqual([{ _tag: "Indexed", index: again.index, id: again.id, created: false }])
          yield* search.refresh(dailyIndexPattern(p))
          const hits = yield* search.search({
            index: dailyIndexPattern(p),
            terms: { DEVICE_NAME: "a" },
            size: 10,
          })
          expect(hits).toHaveLength(2)
          expect(hits.find((h) => h.id === again.id)?.source.TEMPERATURE).toBe(30)
        }),
      ))

    it("fails only the item whose field conflicts with the index mapping, as Poison", () =>
      run(
        "contract-mapping",
        Effect.gen(function* () {
          const search = yield* SearchIndex
          const p = "contract-mapping"
          yield* search.bulk([reading(p, "a", DAY1, 20)])
          const bad = reading(p, "b", DAY1, 0)
          const conflicting = { ...bad, source: { ...bad.source, TEMPERATURE: { celsius: 20 } } }
          const results = yield* search.bulk([conflicting, reading(p, "c", DAY1, 22)])
          expect(tags(results)).toEqual(["Poison", "created"])
          expect(results[0]).toMatchObject({ index: conflicting.index, id: conflicting.id })
        }),
      ))

    it("searches across daily indexes by terms, inclusive time range, sort and size", () =>
      run(
        "contract-query",
        Effect.gen(function* () {
          const search = yield* SearchIndex
          const p = "contract-query"
          const docs = [0, 1, 2, 3].flatMap((i) => [
            reading(p, "a", DAY1 + i * 60_000, 20 + i),
            reading(p, "b", DAY2 + i * 60_000, 30 + i),
          ])
          yield* indexDocuments(docs)
          yield* search.refresh(dailyIndexPattern(p))
          expect(yield* search.listIndexes(dailyIndexPattern(p))).toEqual([
            dailyIndexName(DAY1, p),
            dailyIndexName(DAY2, p),
          ])
          const ts = (ms: number) => new Date(ms).toISOString().slice(0, 19)
          const hits = yield* search.search({
            index: dailyIndexPattern(p),
            terms: { DEVICE_NAME: "a" },
            range: { field: "timestamp", from: ts(DAY1 + 60_000), to: ts(DAY1 + 120_000) },
            sort: { field: "timestamp", order: "desc" },
          })
          expect(hits.map((h) => h.source.TEMPERATURE)).toEqual([22, 21])
          const newest = yield* search.search({
            index: `${dailyIndexName(DAY1, p)},${dailyIndexName(DAY2, p)}`,
            sort: { field: "timestamp", order: "desc" },
            size: 3,
          })
          expect(newest.map((h) => h.source.TEMPERATURE)).toEqual([33, 32, 31])
          expect(yield* search.search({ index: dailyIndexPattern("contract-nothing") })).toEqual([])
        }),
      ))

    it("returns the latest N documents of each device, newest first, devices in order", () =>
      run(
        "contract-latest",
        Effect.gen(function* () {
          const search = yield* SearchIndex
          const p = "contract-latest"
          const docs = [0, 1, 2].flatMap((i) => [
            reading(p, "dev-b", DAY1 + i * 1000, 10 + i),
            reading(p, "dev-a", DAY2 + i * 1000, 20 + i),
          ])
          yield* indexDocuments(docs)
          yield* search.refresh(dailyIndexPattern(p))
          const latest = yield* search.latestPerDevice({
            index: dailyIndexPattern(p),
            deviceField: "DEVICE_NAME",
            timeField: "timestamp",
            perDevice: 2,
          })
          expect(latest.map((d) => [d.deviceId, d.hits.map((h) => h.source.TEMPERATURE)])).toEqual([
            ["dev-a", [22, 21]],
            ["dev-b", [12, 11]],
          ])
        }),
      ))

    it("deletes an index with its documents; deleting a missing index is not an error", () =>
      run(
        "contract-delete",
        Effect.gen(function* () {
          const search = yield* SearchIndex
          const p = "contract-delete"
          yield* search.bulk([reading(p, "a", DAY1, 20), reading(p, "a", DAY2, 21)])
          yield* search.deleteIndex(dailyIndexName(DAY1, p))
          yield* search.deleteIndex(dailyIndexName(DAY1, p))
          yield* search.refresh(dailyIndexPattern(p))
          expect(yield* search.listIndexes(dailyIndexPattern(p))).toEqual([dailyIndexName(DAY2, p)])
          const hits = yield* search.search({ index: dailyIndexPattern(p) })
          expect(hits.map((h) => h.source.TEMPERATURE)).toEqual([21])
        }),
      ))

    it("indexDocuments fails an over-long id as Poison without sending it, and indexes the rest", () =>
      run(
        "contract-ids",
        Effect.gen(function* () {
          const search = yield* SearchIndex
          const p = "contract-ids"
          const tooLong = { ...reading(p, "a", DAY1, 20), id: "x".repeat(513) }
          const fits = { ...reading(p, "a", DAY1, 21), id: "é".repeat(256) }
          const results = yield* indexDocuments([tooLong, fits])
          expect(tags(results)).toEqual(["Poison", "created"])
          yield* search.refresh(dailyIndexPattern(p))
          expect((yield* search.search({ index: dailyIndexPattern(p) })).map((h) => h.id)).toEqual([fits.id])
        }),
      ))
  })
