/**
 * The contract every Table adapter passes: memory, SQLite, DynamoDB (against dynalite),
 * PostgreSQL (examples/postgres-sink). One body, every store — as Kysely runs one test suite
 * against every dialect. Property tests compare the adapter to a plain reference model under
 * random operations.
 */
import { type Item, Table } from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type LayerFactory, runWith } from "./run.ts"

const item = (deviceId: string, ts: string, extra: Record<string, unknown> = {}): Item =>
  ({ DEVICE_NAME: deviceId, TEMPERATURE: 21, HUMIDITY: 50, ...extra, deviceId, ts }) as Item

/** Writes items with batchWrite, re-sending unprocessed ones until none are left. */
const writeAll = (items: ReadonlyArray<Item>) =>
  Effect.gen(function* () {
    const table = yield* Table
    for (let start = 0; start < items.length; start += table.limits.maxCount) {
      let pending: ReadonlyArray<Item> = items.slice(start, start + table.limits.maxCount)
      for (let round = 0; pending.length > 0; round++) {
        if (round > 50) throw new Error("batchWrite kept items unprocessed for 50 rounds")
        pending = (yield* table.batchWrite(pending)).unprocessed
      }
    }
  })

export const tableSuite = (
  name: string,
  make: LayerFactory<Table>,
  options: { propertyRuns?: number } = {},
) =>
  describe(`Table contract: ${name}`, () => {
    const run = <A, E>(body: Effect.Effect<A, E, Table>) => runWith(make, body)

    it("declares usable batch limits", () =>
      run(
        Effect.gen(function* () {
          const { limits } = yield* Table
          expect(limits.maxCount).toBeGreaterThan(0)
          expect(limits.maxBytes).toBeGreaterThanOrEqual(limits.maxRecordBytes)
        }),
      ))

    it("puts and gets a reading by key, fields exactly as given", () =>
      run(
        Effect.gen(function* () {
          const table = yield* Table
          // JSON.parse makes `__proto__` an own data property, as a payload would carry it.
          const stored = item(
            "dev-1",
            "2026-11-26T07:12:43",
            JSON.parse(
              '{"nested":{"a":[1,"two",null,true]},"unicode":"héllo ✓ \\u200b","__proto__":"just data","big":1e300,"neg":-0.5}',
            ),
          )
          expect(Object.hasOwn(stored, "__proto__")).toBe(true)
          yield* table.put(stored)
          expect(yield* table.get({ deviceId: "dev-1", ts: "2026-11-26T07:12:43" })).toEqual(stored)
          expect(yield* table.get({ deviceId: "dev-1", ts: "2026-11-26T07:12:44" })).toBeUndefined()
        }),
      ))

    it("replaces an item with the same key (put is an idempotent upsert)", () =>
      run(
        Effect.gen(function* () {
          const table = yield* Table
          yield* table.put(item("dev-1", "t1", { TEMPERATURE: 1 }))
          yield* table.put(item("dev-1", "t1", { TEMPERATURE: 2 }))
          yield* table.put(item("dev-1", "t1", { TEMPERATURE: 2 }))
          expect(yield* table.scan()).toEqual([item("dev-1", "t1", { TEMPERATURE: 2 })])
        }),
      ))

    it("batch-writes up to its limit and scans in (deviceId, ts) order", () =>
      run(
        Effect.gen(function* () {
          const table = yield* Table
          const items = Array.from({ length: Math.min(table.limits.maxCount, 25) }, (_, i) =>
            item(`dev-${i % 3}`, `2026-11-26T07:12:${String(59 - i).padStart(2, "0")}`),
          )
          yield* writeAll(items)
          const scanned = yield* table.scan()
          const expected = [...items].sort((a, b) => (a.deviceId + a.ts < b.deviceId + b.ts ? -1 : 1))
          expect(scanned).toEqual(expected)
        }),
      ))

    it("queries one device by inclusive time range, in ts order", () =>
      run(
        Effect.gen(function* () {
          const table = yield* Table
          yield* writeAll(["t3", "t1", "t2", "t5", "t4"].map((ts) => item("a", ts)))
          yield* table.put(item("b", "t3"))
          const ts = (items: ReadonlyArray<Item>) => items.map((i) => i.ts)
          expect(ts(yield* table.query("a"))).toEqual(["t1", "t2", "t3", "t4", "t5"])
          expect(ts(yield* table.query("a", { from: "t2", to: "t4" }))).toEqual(["t2", "t3", "t4"])
          expect(ts(yield* table.query("a", { from: "t4" }))).toEqual(["t4", "t5"])
          expect(ts(yield* table.query("a", { to: "t1" }))).toEqual(["t1"])
          expect(yield* table.query("nobody")).toEqual([])
        }),
      ))

    it("keeps latest-state records apart from readings, moving only forward", () =>
      run(
        Effect.gen(function* () {
          const table = yield* Table
          expect(yield* table.putLatestIfNewer(item("a", "t2"))).toEqual({ written: true })
          const stale = yield* table.putLatestIfNewer(item("a", "t1"))
          expect(stale).toEqual({ written: false, existing: item("a", "t2") })
          expect((yield* table.putLatestIfNewer(item("a", "t2", { TEMPERATURE: 99 }))).written).toBe(false)
          expect(yield* table.putLatestIfNewer(item("a", "t3"))).toEqual({ written: true })
          expect(yield* table.putLatestIfNewer(item("b", "t0"))).toEqual({ written: true })
          expect(yield* table.getLatest("a")).toEqual(item("a", "t3"))
          expect(yield* table.getLatest("nobody")).toBeUndefined()
          expect(yield* table.scanLatest()).toEqual([item("a", "t3"), item("b", "t0")])
          expect(yield* table.scan()).toEqual([])
        }),
      ))

    it("matches a reference model under random operations", () =>
      checkAsyncProperty(
        fc.asyncProperty(
          fc.array(
            fc.record({
              op: fc.constantFrom("put", "batch", "latest"),
              deviceId: fc.constantFrom("a", "b", "c:1", "d_2"),
              ts: fc.constantFrom("t1", "t2", "t3", "t4"),
              value: fc.integer({ min: -5, max: 5 }),
            }),
            { maxLength: 30 },
          ),
          (ops) =>
            run(
              Effect.gen(function* () {
                const table = yield* Table
                const readings = new Map<string, Item>()
                const latest = new Map<string, Item>()
                for (const { op, deviceId, ts, value } of ops) {
                  const it = item(deviceId, ts, { TEMPERATURE: value })
                  if (op === "latest") {
                    const before = latest.get(deviceId)
                    const result = yield* table.putLatestIfNewer(it)
                    const shouldWrite = before === undefined || before.ts < ts
                    expect(result.written).toBe(shouldWrite)
                    if (shouldWrite) latest.set(deviceId, it)
                  } else {
                    if (op === "put") yield* table.put(it)
                    else yield* writeAll([it])
                    readings.set(`${deviceId}/${ts}`, it)
                  }
                }
                const sorted = (m: Map<string, Item>) =>
                  [...m.values()].sort((x, y) =>
                    x.deviceId === y.deviceId ? (x.ts < y.ts ? -1 : 1) : x.deviceId < y.deviceId ? -1 : 1,
                  )
                expect(yield* table.scan()).toEqual(sorted(readings))
                expect(yield* table.scanLatest()).toEqual(sorted(latest))
              }),
            ),
        ),
        options.propertyRuns ?? 25,
      ))
  })
