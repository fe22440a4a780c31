/**
 * Core's idempotent writes against the fault-injecting memory table: the invariants of
 * DESIGN.md at the level of core (accounting, effectively once, latest-state order, poison,
 * limits). Lives here because core cannot depend on its own adapters.
 */
import {
  executeIntents,
  type Item,
  intentsOf,
  itemBytes,
  makeEvent,
  type RecordOutcome,
  readingFromJson,
  Table,
} from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect, Exit, Layer, Random, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { MemoryTable } from "../src/index.ts"

const readingArb = fc.record({
  DEVICE_NAME: fc.constantFrom("dev-1", "dev-2", "dev-3"),
  TIMESTAMP: fc.integer({ min: 0, max: 40 }).map((s) => `2026-11-26T07:12:${String(s).padStart(2, "0")}`),
  TEMPERATURE: fc.integer({ min: 15, max: 25 }),
  HUMIDITY: fc.integer({ min: 40, max: 60 }),
  poison: fc.boolean().map((p) => (p ? "yes" : "no")),
})

const faultsArb = fc.record({
  throttle: fc.double({ min: 0, max: 0.3, noNaN: true }),
  error: fc.double({ min: 0, max: 0.3, noNaN: true }),
  partial: fc.double({ min: 0, max: 0.5, noNaN: true }),
  timeoutAfterWrite: fc.double({ min: 0, max: 0.3, noNaN: true }),
  crash: fc.double({ min: 0, max: 0.1, noNaN: true }),
})

const fastPolicy = { baseDelayMs: 0, maxDelayMs: 0, maxAttempts: 3, maxElapsedMs: 1_000 }

describe("executeIntents against a faulty table (invariants 1, 2, 3, 5, 6)", () => {
  it("stores each distinct reading once, keeps latest-state newest, dead-letters poison once, respects limits", async () => {
    await checkAsyncProperty(
      fc.asyncProperty(
        fc.array(readingArb, { maxLength: 60 }),
        faultsArb,
        fc.integer(),
        async (payloads, faults, seed) => {
          const state = MemoryTable.makeState({
            seed,
            faults: {
              ...faults,
              poison: (item) => ((item as Item).poison === "yes" ? "the store rejects this item" : undefined),
            },
          })
          const service = MemoryTable.makeService(state, {
            maxCount: 7,
            maxBytes: 4000,
            maxRecordBytes: 4000,
          })
          const batchSizes: number[] = []
          const observed = Table.of({
            ...service,
            batchWrite: (items) => {
              batchSizes.push(items.length)
              expect(items.reduce((sum, item) => sum + itemBytes(item), 0)).toBeLessThanOrEqual(4000)
              return service.batchWrite(items)
            },
          })
          const events = payloads.map((p) => makeEvent(Result.getOrThrow(readingFromJson(p))))
          let pending = events
          const dead = new Map<string, number>()
          // Like Lambda: invoke, and re-invoke with whatever failed transiently (or crashed).
          for (let invocation = 0; pending.length > 0; invocation++) {
            expect(invocation).toBeLessThan(500)
            const intents = pending.flatMap((e) => intentsOf(e.reading, e.id))
            const exit = await Effect.runPromiseExit(
              executeIntents(intents, { retry: fastPolicy }).pipe(
                Effect.provide(Layer.succeed(Table, observed)),
                Random.withSeed(seed),
              ),
            )
            if (Exit.isFailure(exit)) continue // a simulated crash: the whole batch is retried
            const outcomes = exit.value as ReadonlyMap<string, RecordOutcome>
            // Accounting: every event of the batch has exactly one outcome.
            expect(new Set(outcomes.keys())).toEqual(new Set(pending.map((e) => e.id)))
            for (const [id, outcome] of outcomes) {
              if (outcome._tag === "Failed" && outcome.error._tag === "Poison")
                dead.set(id, (dead.get(id) ?? 0) + 1)
            }
            pending = pending.filter((e) => {
              const outcome = outcomes.get(e.id)!
              return outcome._tag === "Failed" && outcome.error._tag !== "Poison"
            })
          }
          for (const size of batchSizes) expect(size).toBeLessThanOrEqual(7)
          // Effectively once: the table holds each distinct non-poison reading, once.
          const expected = new Map<string, Item>()
          for (const e of events)
            if (e.reading.fields.poison === "no")
              expected.set(e.id, {
                ...e.reading.fields,
                deviceId: e.reading.deviceId,
                ts: e.reading.sortKey,
              } as Item)
          const poisonIds = new Set(events.filter((e) => e.reading.fields.poison === "yes").map((e) => e.id))
          const stored = [...state.readings.values()]
          expect(stored.length).toBe(new Set(stored.map((i) => `${i.deviceId}/${i.ts}`)).size)
          for (const [id, item] of expected) {
            if (poisonIds.has(id)) continue // same key as a poison reading: whichever came last decides
            expect(state.readings.get(`${item.deviceId}\u0000${item.ts}`)).toBeDefined()
          }
          for (const item of stored) expect(item.poison).toBe("no")
          // Poison is reported once per distinct record, with the store's reason, never retried.
          for (const count of dead.values()) expect(count).toBe(1)
          // Latest state: the newest stored reading of each device, never a poison one.
          for (const device of ["dev-1", "dev-2", "dev-3"]) {
            const newest = stored
              .filter((i) => i.deviceId === device)
              .map((i) => i.ts)
              .sort()
              .at(-1)
            const latest = state.latest.get(device)
            if (latest !== undefined) expect(latest.poison).toBe("no")
            if (newest === undefined) expect(latest).toBeUndefined()
            else expect(latest?.ts).toBe(newest)
          }
        },
      ),
      60,
    )
  })

  it("reports every id once even when the table never recovers", async () => {
    const state = MemoryTable.makeState({ seed: 3, faults: { throttle: 1 } })
    const table = MemoryTable.makeService(state, { maxCount: 25, maxBytes: 1 << 20, maxRecordBytes: 1 << 20 })
    const events = [1, 2, 3].map((s) =>
      makeEvent(
        Result.getOrThrow(
          readingFromJson({
            DEVICE_NAME: "d",
            TIMESTAMP: `2026-11-26T07:12:0${s}`,
            TEMPERATURE: 1,
            HUMIDITY: 2,
          }),
        ),
      ),
    )
    const outcomes = await Effect.runPromise(
      executeIntents(
        events.flatMap((e) => intentsOf(e.reading, e.id)),
        { retry: fastPolicy },
      ).pipe(Effect.provide(Layer.succeed(Table, table))),
    )
    expect([...outcomes.values()].map((o) => (o._tag === "Failed" ? o.error._tag : o._tag))).toEqual([
      "Throttled",
      "Throttled",
      "Throttled",
    ])
    expect(state.readings.size).toBe(0)
  })
})
