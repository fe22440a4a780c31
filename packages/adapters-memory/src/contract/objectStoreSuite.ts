/**
 * The contract every ObjectStore adapter passes: memory, the filesystem lake, S3 (against
 * s3rver). Bytes round-trip exactly, puts replace, listings are prefix-filtered and in key
 * order, deletes are idempotent, and every store refuses the same hostile keys with Poison
 * without writing anything. A model-based property compares the store with a plain map.
 */
import { ObjectStore } from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect, Exit } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type LayerFactory, runWith } from "./run.ts"

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (body: Uint8Array | undefined) =>
  body === undefined ? undefined : new TextDecoder().decode(body)

/** Keys no store may accept: ways out of a folder, and names a filesystem would read differently. */
export const HOSTILE_KEYS: ReadonlyArray<string> = [
  "",
  "/etc/passwd",
  "../outside",
  "a/../../outside",
  "a/./b",
  "a//b",
  "a/",
  ".hidden",
  "a/.tmp-partial",
  "a\\..\\b",
  "nul\u0000byte",
  "line\nbreak",
  `${"x".repeat(256)}/too-long-segment`,
]

export const objectStoreSuite = (
  name: string,
  make: LayerFactory<ObjectStore>,
  options: { propertyRuns?: number } = {},
) =>
  describe(`ObjectStore contract: ${name}`, () => {
    const run = <A, E>(body: Effect.Effect<A, E, ObjectStore>) => runWith(make, body)

    it("round-trips bytes exactly, empty and binary bodies included", () =>
      run(
        Effect.gen(function* () {
          const store = yield* ObjectStore
          const binary = Uint8Array.from({ length: 256 }, (_, i) => i)
          yield* store.put("lake/binary.bin", binary)
          yield* store.put("lake/empty", new Uint8Array(0))
          yield* store.put("lake/ünïcode ✓/device=dev:1_x-y.gz", bytes("héllo"), {
            contentType: "text/plain",
          })
          expect(yield* store.get("lake/binary.bin")).toEqual(binary)
          expect(yield* store.get("lake/empty")).toEqual(new Uint8Array(0))
          expect(text(yield* store.get("lake/ünïcode ✓/device=dev:1_x-y.gz"))).toBe("héllo")
          expect(yield* store.get("lake/missing")).toBeUndefined()
        }),
      ))

    it("replaces an object with the same key, and keeps what was put even if the caller's buffer changes", () =>
      run(
        Effect.gen(function* () {
          const store = yield* ObjectStore
          const body = bytes("first")
          yield* store.put("k", body)
          body.fill(0)
          expect(text(yield* store.get("k"))).toBe("first")
          yield* store.put("k", bytes("second, longer"))
          expect(text(yield* store.get("k"))).toBe("second, longer")
          expect(yield* store.list("")).toEqual([{ key: "k", size: 14 }])
        }),
      ))

    it("lists by any prefix, in ascending key order, with sizes", () =>
      run(
        Effect.gen(function* () {
          const store = yield* ObjectStore
          for (const key of [
            "t/year=2026/b.gz",
            "t/year=2025/z.gz",
            "t/year=2026/a.gz",
            "u/x",
            "t-sibling",
          ]) {
            yield* store.put(key, bytes(key))
          }
          const keys = (infos: ReadonlyArray<{ key: string }>) => infos.map((info) => info.key)
          expect(keys(yield* store.list(""))).toEqual([
            "t-sibling",
            "t/year=2025/z.gz",
            "t/year=2026/a.gz",
            "t/year=2026/b.gz",
            "u/x",
          ])
          expect(keys(yield* store.list("t/"))).toEqual([
            "t/year=2025/z.gz",
            "t/year=2026/a.gz",
            "t/year=2026/b.gz",
          ])
          expect(keys(yield* store.list("t/year=2026/"))).toEqual(["t/year=2026/a.gz", "t/year=2026/b.gz"])
          expect(keys(yield* store.list("t/year=202"))).toHaveLength(3)
          expect(keys(yield* store.list("t"))).toHaveLength(4)
          expect(yield* store.list("nothing/")).toEqual([])
          expect((yield* store.list("u/")).map((info) => info.size)).toEqual([3])
        }),
      ))

    it("deletes, and deleting what is not there succeeds", () =>
      run(
        Effect.gen(function* () {
          const store = yield* ObjectStore
          yield* store.put("a/b/c", bytes("x"))
          yield* store.delete("a/b/c")
          yield* store.delete("a/b/c")
          yield* store.delete("never/was")
          expect(yield* store.get("a/b/c")).toBeUndefined()
          expect(yield* store.list("")).toEqual([])
        }),
      ))

    it("refuses hostile keys with Poison and writes nothing", () =>
      run(
        Effect.gen(function* () {
          const store = yield* ObjectStore
          for (const key of HOSTILE_KEYS) {
            for (const attempt of [store.put(key, bytes("evil")), store.get(key), store.delete(key)]) {
              const exit = yield* Effect.exit(attempt as Effect.Effect<unknown, { _tag: string }>)
              expect(Exit.isFailure(exit), JSON.stringify(key)).toBe(true)
              if (Exit.isFailure(exit))
                expect(JSON.stringify(exit.cause), JSON.stringify(key)).toContain("Poison")
            }
          }
          const listed = yield* Effect.exit(store.list("../"))
          expect(Exit.isFailure(listed)).toBe(true)
          expect(yield* store.list("")).toEqual([])
        }),
      ))

    it("round-trips a multi-megabyte object", () =>
      run(
        Effect.gen(function* () {
          const store = yield* ObjectStore
          const big = new Uint8Array(3 * 1024 * 1024 + 7)
          for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff
          yield* store.put("big/object.gz", big)
          expect(
            Buffer.compare(Buffer.from((yield* store.get("big/object.gz")) ?? []), Buffer.from(big)),
          ).toBe(0)
        }),
      ))

    it("matches a map under random puts, deletes and listings", () =>
      checkAsyncProperty(
        fc.asyncProperty(
          fc.array(
            fc.record({
              op: fc.constantFrom("put", "put", "delete"),
              key: fc.constantFrom("a", "a/b", "a/c", "b/a", "b/a.gz", "c"),
              value: fc.string({ maxLength: 8 }),
            }),
            { maxLength: 20 },
          ),
          (ops) =>
            run(
              Effect.gen(function* () {
                const store = yield* ObjectStore
                const model = new Map<string, string>()
                for (const { op, key, value } of ops) {
                  if (op === "put") {
                    // `a` and `a/b` cannot both be files on a filesystem: the model skips such puts.
                    const clash = [...model.keys()].some(
                      (k) => k.startsWith(`${key}/`) || key.startsWith(`${k}/`),
                    )
                    if (clash) continue
                    yield* store.put(key, bytes(value))
                    model.set(key, value)
                  } else {
                    yield* store.delete(key)
                    model.delete(key)
                  }
                }
                const expected = [...model.entries()]
                  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
                  .map(([key, value]) => ({ key, size: bytes(value).byteLength }))
                expect(yield* store.list("")).toEqual(expected)
                for (const [key, value] of model) expect(text(yield* store.get(key))).toBe(value)
              }),
            ),
        ),
        options.propertyRuns ?? 15,
      ))
  })
