import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type BufferState,
  deadline,
  drain,
  emptyBuffer,
  type Flush,
  offer,
  tick,
} from "../../src/batching/index.ts"

const events = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant("offer" as const),
      bytes: fc.integer({ min: 1, max: 40 }),
      dt: fc.integer({ min: 0, max: 30 }),
    }),
    fc.record({ kind: fc.constant("tick" as const), dt: fc.integer({ min: 0, max: 60 }) }),
  ),
  { maxLength: 80 },
)
const hintsArb = fc.record({
  sizeBytes: fc.integer({ min: 1, max: 100 }),
  intervalMs: fc.integer({ min: 0, max: 100 }),
})

describe("size/interval buffer (Firehose buffering hints)", () => {
  it("flushes every record exactly once, in order, never holding one past its deadline at a tick", () => {
    checkProperty(
      fc.property(events, hintsArb, (script, hints) => {
        let state: BufferState<number> = emptyBuffer()
        let now = 0
        let next = 0
        const flushes: Flush<number>[] = []
        for (const event of script) {
          now += event.dt
          if (event.kind === "offer") {
            const step = offer(state, hints, next++, event.bytes, now)
            state = step.state
            flushes.push(...step.flushes)
          } else {
            const step = tick(state, hints, now)
            state = step.state
            if (step.flush) flushes.push(step.flush)
            const due = deadline(state, hints)
            expect(due === undefined || due > now).toBe(true)
          }
          expect(state.bytes).toBeLessThan(Math.max(hints.sizeBytes, 1))
        }
        const last = drain(state)
        if (last.flush) flushes.push(last.flush)
        expect(flushes.flatMap((f) => f.records)).toEqual(Array.from({ length: next }, (_, i) => i))
        for (const flush of flushes) {
          expect(flush.records.length).toBeGreaterThan(0)
          if (flush.reason === "interval") expect(flush.bytes).toBeLessThan(hints.sizeBytes)
        }
      }),
      300,
    )
  })

  it("delivers on size before the interval, and on the interval when size is not reached", () => {
    const hints = { sizeBytes: 100, intervalMs: 60_000 }
    let step = offer(emptyBuffer<string>(), hints, "a", 60, 0)
    expect(step.flushes).toEqual([])
    step = offer(step.state, hints, "b", 50, 1_000)
    expect(step.flushes).toEqual([{ records: ["a", "b"], bytes: 110, reason: "size", openedAt: 0 }])
    step = offer(step.state, hints, "c", 10, 2_000)
    expect(deadline(step.state, hints)).toBe(62_000)
    expect(tick(step.state, hints, 61_999).flush).toBeUndefined()
    expect(tick(step.state, hints, 62_000).flush).toEqual({
      records: ["c"],
      bytes: 10,
      reason: "interval",
      openedAt: 2_000,
    })
  })
})
