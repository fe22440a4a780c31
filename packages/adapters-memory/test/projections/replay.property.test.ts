/**
 * The event-sourcing invariants (issue 11): for any history — duplicates, reorders within the
 * allowed lateness — applied incrementally, in random batches, while the store fails, times out
 * after writing and crashes mid-commit, the projections end equal to a rebuild from scratch; and
 * replaying the same history again, or rebuilding it again, changes nothing.
 */
import { checkAsyncProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fastRetry, historyArb, makeWorld, standardProjections } from "./projectionWorld.ts"

describe("projections: incremental equals rebuilt, replay is idempotent", () => {
  it("incremental application under faults and crashes equals a rebuild from scratch (property)", () =>
    checkAsyncProperty(
      fc.asyncProperty(
        historyArb(90),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.record({
          error: fc.double({ min: 0, max: 0.2, noNaN: true }),
          timeoutAfterWrite: fc.double({ min: 0, max: 0.2, noNaN: true }),
          crash: fc.double({ min: 0, max: 0.15, noNaN: true }),
        }),
        fc.integer({ min: 1, max: 1_000 }),
        async (history, chunks, batchSize, faults, seed) => {
          const projections = standardProjections()
          // Incremental: the history arrives in chunks; after each, a replay catches up (and may crash).
          const live = makeWorld({ faults: { faults, seed } })
          let at = 0
          for (const size of [...chunks, history.length]) {
            await live.append(history.slice(at, at + size))
            at = Math.min(history.length, at + size)
            await live.replayUntilDone({ projections, batchSize, retry: fastRetry })
            if (at >= history.length) break
          }
          // Rebuild: everything at once, no faults.
          const rebuilt = makeWorld()
          await rebuilt.append(history)
          await rebuilt.replayUntilDone({ projections, retry: fastRetry })
          expect(await live.snapshot(projections)).toEqual(await rebuilt.snapshot(projections))
        },
      ),
      25,
    ))

  it("replaying twice, or rebuilding again, changes nothing (property)", () =>
    checkAsyncProperty(
      fc.asyncProperty(historyArb(90), fc.integer({ min: 1, max: 9 }), async (history, batchSize) => {
        const projections = standardProjections()
        const world = makeWorld()
        await world.append(history)
        const first = await world.replayUntilDone({ projections, batchSize, retry: fastRetry })
        const before = await world.snapshot(projections)
        const again = await world.replayUntilDone({ projections, batchSize, retry: fastRetry })
        expect(again.projections.map((p) => p.applied)).toEqual([0, 0, 0])
        expect(await world.snapshot(projections)).toEqual(before)
        const rebuilt = await world.replayUntilDone({ projections, reset: true, retry: fastRetry })
        expect(rebuilt.projections.every((p) => p.rebuilt && p.status === "live")).toBe(true)
        expect(await world.snapshot(projections)).toEqual(before)
        expect(first.events).toBe(history.length)
      }),
      25,
    ))
})
