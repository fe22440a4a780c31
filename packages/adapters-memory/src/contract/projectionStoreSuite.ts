/**
 * The contract every ProjectionStore adapter passes: registration and its atomic reset,
 * compare-and-set commits of a key's state with its views (nothing of a conflicting or stale
 * commit is written), view scans in key order, and compare-and-set progress — plus a model-based
 * property over random commits.
 */
import { type ProjectionProgress, ProjectionStore } from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type LayerFactory, runWith } from "./run.ts"

const progressOf = (
  source: string,
  revision: number,
  extra: Partial<ProjectionProgress> = {},
): ProjectionProgress => ({
  source,
  status: "rebuilding",
  applied: 0,
  revision,
  updatedAt: 1_000,
  ...extra,
})

export const projectionStoreSuite = (
  name: string,
  make: LayerFactory<ProjectionStore>,
  options: { propertyRuns?: number } = {},
) =>
  describe(`ProjectionStore contract: ${name}`, () => {
    const run = <A, E>(body: Effect.Effect<A, E, ProjectionStore>) => runWith(make, body)

    it("registers a version once; a new version, fingerprint or reset starts a new generation with nothing", () =>
      run(
        Effect.gen(function* () {
          const store = yield* ProjectionStore
          const first = yield* store.register({ projection: "p", version: 1, fingerprint: "a" })
          expect(first.generation).toBe(1)
          expect((yield* store.register({ projection: "p", version: 1, fingerprint: "a" })).generation).toBe(
            1,
          )
          yield* store.commit("p", 1, [
            {
              key: "k",
              expectedRevision: 0,
              state: { value: { n: 1 }, positions: { s: "1" } },
              views: [{ key: "v", value: { x: 1 } }],
            },
          ])
          yield* store.putProgress("p", 1, progressOf("s", 1))
          const second = yield* store.register({ projection: "p", version: 1, fingerprint: "b" })
          expect(second.generation).toBe(2)
          expect((yield* store.states("p", ["k"])).size).toBe(0)
          expect(yield* store.views("p")).toEqual([])
          expect(yield* store.progress("p")).toEqual([])
          const third = yield* store.register(
            { projection: "p", version: 2, fingerprint: "b" },
            { reset: false },
          )
          expect(third).toEqual({ projection: "p", version: 2, fingerprint: "b", generation: 3 })
          expect(
            (yield* store.register({ projection: "p", version: 2, fingerprint: "b" }, { reset: true }))
              .generation,
          ).toBe(4)
          yield* store.register({ projection: "another", version: 7, fingerprint: "" })
          expect((yield* store.registrations()).map((r) => [r.projection, r.generation])).toEqual([
            ["another", 1],
            ["p", 4],
          ])
        }),
      ))

    it("commits a key's state and views together, compare-and-set on its revision", () =>
      run(
        Effect.gen(function* () {
          const store = yield* ProjectionStore
          yield* store.register({ projection: "p", version: 1, fingerprint: "" })
          const state = (n: number) => ({
            value: { n, nested: [1.5, "é", null, { deep: true }] },
            positions: { "stream:t/s0": `${n}` },
          })
          const first = yield* store.commit("p", 1, [
            { key: "d1", expectedRevision: 0, state: state(1), views: [{ key: "d1/a", value: { v: 1 } }] },
            { key: "d2", expectedRevision: 0, state: state(2), views: [] },
          ])
          expect(first).toEqual({ _tag: "Committed", conflicts: [] })
          const stored = yield* store.states("p", ["d1", "d2", "missing"])
          expect(stored.get("d1")).toEqual({
            key: "d1",
            revision: 1,
            state: state(1).value,
            positions: state(1).positions,
          })
          expect(stored.has("missing")).toBe(false)
          // d1 read at revision 1 by someone else first: this writer's commit conflicts, views and all.
          const second = yield* store.commit("p", 1, [
            { key: "d1", expectedRevision: 0, state: state(9), views: [{ key: "d1/a", value: { v: 9 } }] },
            { key: "d2", expectedRevision: 1, state: state(3), views: [{ key: "d2/a", value: { v: 3 } }] },
          ])
          expect(second).toEqual({ _tag: "Committed", conflicts: ["d1"] })
          expect((yield* store.view("p", "d1/a"))?.value).toEqual({ v: 1 })
          expect((yield* store.states("p", ["d2"])).get("d2")?.revision).toBe(2)
          expect((yield* store.view("p", "d2/a"))?.value).toEqual({ v: 3 })
          // Views without a state: written with the generation check only.
          yield* store.commit("p", 1, [
            { key: "d1", expectedRevision: 0, views: [{ key: "d1/b", value: { b: true } }] },
          ])
          expect((yield* store.view("p", "d1/b"))?.value).toEqual({ b: true })
          expect((yield* store.states("p", ["d1"])).get("d1")?.revision).toBe(1)
        }),
      ))

    it("refuses every write of a stale generation", () =>
      run(
        Effect.gen(function* () {
          const store = yield* ProjectionStore
          yield* store.register({ projection: "p", version: 1, fingerprint: "" })
          yield* store.register({ projection: "p", version: 2, fingerprint: "" })
          const commit = yield* store.commit("p", 1, [
            {
              key: "k",
              expectedRevision: 0,
              state: { value: 1, positions: {} },
              views: [{ key: "v", value: {} }],
            },
          ])
          expect(commit).toEqual({ _tag: "Stale" })
          expect(yield* store.putProgress("p", 1, progressOf("s", 1))).toBe("stale")
          expect(yield* store.commit("unregistered", 1, [])).toEqual({ _tag: "Stale" })
          expect(yield* store.views("p")).toEqual([])
          expect(yield* store.progress("p")).toEqual([])
        }),
      ))

    it("scans views in key order, by prefix, after a key, limited, and newest first", () =>
      run(
        Effect.gen(function* () {
          const store = yield* ProjectionStore
          yield* store.register({ projection: "p", version: 1, fingerprint: "" })
          const keys = [
            "d2/minute/2026-11-26T07:01",
            "d1/hour/2026-11-26T07:00",
            "d1/minute/2026-11-26T07:02",
            "d1/minute/2026-11-26T07:01",
          ]
          yield* store.commit("p", 1, [
            { key: "x", expectedRevision: 0, views: keys.map((key, i) => ({ key, value: { i } })) },
          ])
          const scan = (s: Parameters<ProjectionStore["Service"]["views"]>[1]) =>
            Effect.map(store.views("p", s), (views) => views.map((v) => v.key))
          expect(yield* scan({})).toEqual([...keys].sort())
          expect(yield* scan({ prefix: "d1/minute/" })).toEqual([
            "d1/minute/2026-11-26T07:01",
            "d1/minute/2026-11-26T07:02",
          ])
          expect(yield* scan({ prefix: "d1/", after: "d1/hour/2026-11-26T07:00", limit: 1 })).toEqual([
            "d1/minute/2026-11-26T07:01",
          ])
          expect(yield* scan({ prefix: "d1/minute/", descending: true, limit: 1 })).toEqual([
            "d1/minute/2026-11-26T07:02",
          ])
          expect(yield* scan({ descending: true, after: "d1/minute/2026-11-26T07:01" })).toEqual([
            "d1/hour/2026-11-26T07:00",
          ])
          expect(yield* store.views("other")).toEqual([])
        }),
      ))

    it("puts progress compare-and-set by revision and lists it by source", () =>
      run(
        Effect.gen(function* () {
          const store = yield* ProjectionStore
          const { generation } = yield* store.register({ projection: "p", version: 1, fingerprint: "" })
          expect(yield* store.putProgress("p", generation, progressOf("stream:t/s1", 2))).toBe("conflict")
          expect(yield* store.putProgress("p", generation, progressOf("stream:t/s1", 1))).toBe("written")
          const live = progressOf("stream:t/s1", 2, {
            status: "live",
            position: "0042:000000",
            applied: 3,
            consumerSeen: "0040:000000",
            detail: { objects: ["a", "b"] },
          })
          expect(yield* store.putProgress("p", generation, live)).toBe("written")
          expect(yield* store.putProgress("p", generation, progressOf("stream:t/s1", 2))).toBe("conflict")
          expect(yield* store.putProgress("p", generation, progressOf("lake", 1))).toBe("written")
          expect(yield* store.progress("p")).toEqual([progressOf("lake", 1), live])
        }),
      ))

    it("matches a model under random commits (property)", () =>
      checkAsyncProperty(
        fc.asyncProperty(
          fc.array(
            fc.record({
              key: fc.constantFrom("a", "b", "c"),
              expected: fc.integer({ min: 0, max: 3 }),
              n: fc.integer(),
            }),
            { maxLength: 25 },
          ),
          (commits) =>
            run(
              Effect.gen(function* () {
                const store = yield* ProjectionStore
                yield* store.register({ projection: "m", version: 1, fingerprint: "" })
                const model = new Map<string, { revision: number; n: number }>()
                for (const c of commits) {
                  const result = yield* store.commit("m", 1, [
                    {
                      key: c.key,
                      expectedRevision: c.expected,
                      state: { value: c.n, positions: {} },
                      views: [{ key: c.key, value: { n: c.n } }],
                    },
                  ])
                  const known = model.get(c.key)
                  const ok = (known?.revision ?? 0) === c.expected
                  expect(result).toEqual({ _tag: "Committed", conflicts: ok ? [] : [c.key] })
                  if (ok) model.set(c.key, { revision: c.expected + 1, n: c.n })
                }
                const stored = yield* store.states("m", ["a", "b", "c"])
                for (const key of ["a", "b", "c"]) {
                  const expected = model.get(key)
                  expect(stored.get(key)?.state).toEqual(expected?.n)
                  expect(stored.get(key)?.revision).toEqual(expected?.revision)
                  expect((yield* store.view("m", key))?.value).toEqual(
                    expected === undefined ? undefined : { n: expected.n },
                  )
                }
              }),
            ),
        ),
        options.propertyRuns ?? 20,
      ))
  })
