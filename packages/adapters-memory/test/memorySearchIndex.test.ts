/**
 * The memory search index's seeded faults, and core's `indexDocuments` against them: requests
 * within limits, only throttled items retried, every document ending indexed or failed once.
 */
import {
  type BulkItemResult,
  bulkItemBytes,
  dailyIndexName,
  indexDocuments,
  openSearchBulk,
  type SearchDocument,
  SearchIndex,
} from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { MemorySearchIndex } from "../src/index.ts"

const DAY = Date.UTC(2026, 10, 26)
const doc = (i: number, extra: Record<string, string> = {}): SearchDocument => ({
  index: dailyIndexName(DAY + i * 3_600_000),
  id: `dev-${i % 3}/${i}`,
  source: {
    DEVICE_NAME: `dev-${i % 3}`,
    timestamp: new Date(DAY + i * 3_600_000).toISOString(),
    n: i,
    ...extra,
  },
})

const fastPolicy = { baseDelayMs: 10, maxDelayMs: 100, maxAttempts: 50, maxElapsedMs: 60_000 }

/** Runs an effect with the service, letting its backoff sleeps pass on the test clock. */
const runWithClock = <A, E>(service: SearchIndex["Service"], body: Effect.Effect<A, E, SearchIndex>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const fiber = yield* Effect.forkChild(body)
      for (let i = 0; i < 200; i++) yield* TestClock.adjust("1 second")
      return yield* Fiber.join(fiber)
    }).pipe(Effect.provide(Layer.merge(Layer.succeed(SearchIndex, service), TestClock.layer()))),
  )

describe("memory search index faults", () => {
  it("answers a seeded subset of items with 429 and indexes the rest", async () => {
    const state = MemorySearchIndex.makeState({ faults: { partial: 1 }, seed: 7 })
    const service = MemorySearchIndex.makeService(state, {
      maxCount: 100,
      maxBytes: 1 << 20,
      maxRecordBytes: 1 << 20,
    })
    const results = await Effect.runPromise(service.bulk(Array.from({ length: 20 }, (_, i) => doc(i))))
    const throttled = results.filter((r) => r._tag === "Failed" && r.error._tag === "Throttled")
    expect(throttled.length).toBeGreaterThan(0)
    expect(throttled.length).toBeLessThan(20)
    const stored = [...state.indexes.values()].reduce((n, index) => n + index.documents.size, 0)
    expect(stored).toBe(20 - throttled.length)
  })

  it("fails a request over the byte limit whole, as a 413 would", async () => {
    const service = MemorySearchIndex.make({ limits: { maxCount: 10, maxBytes: 200, maxRecordBytes: 200 } })
    const exit = await Effect.runPromiseExit(service.bulk([doc(1), doc(2), doc(3)]))
    expect(exit._tag).toBe("Failure")
    expect(JSON.stringify(exit)).toContain("413")
  })

  it("indexDocuments retries only throttled items until each document is indexed or failed for good", () =>
    checkAsyncProperty(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }),
        fc.record({
          throttle: fc.double({ min: 0, max: 0.3, noNaN: true }),
          partial: fc.double({ min: 0, max: 0.6, noNaN: true }),
        }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.integer(),
        async (count, faults, itemErrors, seed) => {
          const docs = Array.from({ length: count }, (_, i) => doc(i, i % 11 === 5 ? { poison: "yes" } : {}))
          const limits = { maxCount: 7, maxBytes: 2_000, maxRecordBytes: 2_000 }
          const state = MemorySearchIndex.makeState({
            faults: {
              ...faults,
              poison: (source) =>
                (source as { poison?: string }).poison === "yes" ? "mapping error" : undefined,
            },
            itemErrors,
            seed,
          })
          const inner = MemorySearchIndex.makeService(state, limits)
          // Each request's documents and, per document, whether the answer throttled it.
          const answers: Array<{ ids: string[]; throttled: boolean[] }> = []
          const service = SearchIndex.of({
            ...inner,
            bulk: (documents) =>
              inner.bulk(documents).pipe(
                Effect.tapError((error) =>
                  Effect.sync(() => {
                    const throttled = documents.map(() => error._tag === "Throttled")
                    answers.push({ ids: documents.map((d) => d.id), throttled })
                  }),
                ),
                Effect.tap((results) =>
                  Effect.sync(() => {
                    const throttled = results.map((r) => r._tag === "Failed" && r.error._tag === "Throttled")
                    answers.push({ ids: documents.map((d) => d.id), throttled })
                  }),
                ),
              ),
          })
          const results: ReadonlyArray<BulkItemResult> = await runWithClock(
            service,
            indexDocuments(docs, fastPolicy),
          )
          expect(results.map((r) => r.id)).toEqual(docs.map((d) => d.id))
          for (const request of state.requests) {
            expect(request.length).toBeLessThanOrEqual(limits.maxCount)
            expect(request.reduce((n, d) => n + bulkItemBytes(d), 0)).toBeLessThanOrEqual(limits.maxBytes)
          }
          // A document is sent again only after its previous send was throttled (item or request).
          const lastThrottled = new Map<string, boolean>()
          for (const { ids, throttled } of answers)
            ids.forEach((id, i) => {
              if (lastThrottled.has(id)) expect(lastThrottled.get(id)).toBe(true)
              lastThrottled.set(id, throttled[i] === true)
            })
          results.forEach((result, i) => {
            const d = docs[i]!
            if (d.source.poison === "yes")
              expect(result).toMatchObject({ _tag: "Failed", error: { _tag: "Poison" } })
            else if (result._tag === "Failed") expect(result.error._tag).toBe("Retryable")
            else expect(state.indexes.get(d.index)?.documents.get(d.id)).toEqual(d.source)
          })
        },
      ),
      30,
    ))
})

describe("memory search index: bounded", () => {
  it("keeps at most maxDocuments, dropping the oldest indexed first, and records no requests when asked", async () => {
    const index = MemorySearchIndex.make({ maxDocuments: 3, recordRequests: false })
    const doc = (i: number) => ({
      index: "telemetry-2026-11-26",
      id: `d/${i}`,
      source: { DEVICE_NAME: "d", n: i },
    })
    await Effect.runPromise(index.bulk([doc(1), doc(2), doc(3)]))
    await Effect.runPromise(index.bulk([doc(2), doc(4), doc(5)]))
    await Effect.runPromise(index.refresh("telemetry-*"))
    const hits = await Effect.runPromise(
      index.search({ index: "telemetry-*", size: 100, sort: { field: "n", order: "asc" } }),
    )
    expect(hits.map((hit) => hit.id)).toEqual(["d/3", "d/4", "d/5"])
  })

  it("keeps its eviction queue within twice the bound (plus a compaction step), whatever it has seen", async () => {
    const state = MemorySearchIndex.makeState({ maxDocuments: 500, recordRequests: false })
    const index = MemorySearchIndex.makeService(state, openSearchBulk)
    let longest = 0
    for (let batch = 0; batch < 100; batch++) {
      const documents = Array.from({ length: 100 }, (_, i) => ({
        index: "telemetry-2026-11-26",
        id: `d/${batch * 100 + i}`,
        source: { DEVICE_NAME: "d", n: batch * 100 + i },
      }))
      await Effect.runPromise(index.bulk(documents))
      longest = Math.max(longest, state.insertionOrder.length)
    }
    expect(state.documentCount).toBe(500)
    expect(longest).toBeLessThanOrEqual(2 * 500 + 1_024)
  })
})
