/**
 * The event-source-mapping decisions against generated handler behaviour: the checkpoint never
 * passes an unprocessed record, bisection isolates a poison record, retries are bounded, old
 * records go to the destination without an invocation — and the batching rules by example.
 */
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type InvocationOutcome,
  initialMappingState,
  mappingConfigOf,
  planStep,
  type StreamRecord,
  settleInvocation,
} from "../../src/index.ts"
import { type HandlerModel, recordsOf, simulate, source } from "./eventSourceMappingSimulation.ts"

const fail = (response: unknown): InvocationOutcome => ({ _tag: "Returned", response })
const ok: InvocationOutcome = { _tag: "Returned", response: { batchItemFailures: [] } }
const threw: InvocationOutcome = { _tag: "Threw", error: new Error("boom") }

/** What a handler does in one invocation, as generated data. */
type Behaviour =
  | { readonly kind: "ok"; readonly reply: "empty" | "undefined" | "no-list" }
  | { readonly kind: "partial"; readonly upTo: number; readonly alsoReport: ReadonlyArray<number> }
  | { readonly kind: "throw" | "timeout"; readonly upTo: number }
  | { readonly kind: "garbage"; readonly upTo: number; readonly reply: unknown }

const fraction = fc.double({ min: 0, max: 1, noNaN: true })
const behaviourArb: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.record({
    kind: fc.constant("ok" as const),
    reply: fc.constantFrom("empty" as const, "undefined" as const, "no-list" as const),
  }),
  fc.record({
    kind: fc.constant("partial" as const),
    upTo: fraction,
    alsoReport: fc.array(fraction, { maxLength: 3 }),
  }),
  fc.record({ kind: fc.constantFrom("throw" as const, "timeout" as const), upTo: fraction }),
  fc.record({
    kind: fc.constant("garbage" as const),
    upTo: fraction,
    reply: fc.constantFrom<unknown>(
      { batchItemFailures: [{ itemIdentifier: "999" }] },
      { batchItemFailures: [{}] },
      { batchItemFailures: [{ itemIdentifier: "" }] },
      { batchItemFailures: [{ itemIdentifier: null }] },
      { batchItemFailures: "all" },
      "ok",
      42,
      [],
    ),
  }),
)

/** A truthful handler model driven by generated behaviours; after they run out it succeeds. */
const scripted =
  (behaviours: ReadonlyArray<Behaviour>): HandlerModel =>
  (batch, processed, invocation) => {
    const behaviour = behaviours[invocation] ?? { kind: "ok", reply: "empty" }
    if (behaviour.kind === "ok") {
      batch.forEach(processed)
      return fail(
        behaviour.reply === "empty"
          ? { batchItemFailures: [] }
          : behaviour.reply === "no-list"
            ? {}
            : undefined,
      )
    }
    const upTo = Math.floor(behaviour.upTo * batch.length)
    batch.slice(0, upTo).forEach(processed)
    if (behaviour.kind === "partial") {
      if (upTo === batch.length) return ok
      const reported = [
        upTo,
        ...behaviour.alsoReport.map((f) => upTo + Math.floor(f * (batch.length - upTo))),
      ]
      return fail({
        batchItemFailures: reported.map((i) => ({
          itemIdentifier: (batch[Math.min(i, batch.length - 1)] as StreamRecord).sequenceNumber,
        })),
      })
    }
    if (behaviour.kind === "throw") return threw
    if (behaviour.kind === "timeout") return { _tag: "TimedOut", afterMs: 3_000 }
    return behaviour.kind === "garbage" ? fail(behaviour.reply) : threw
  }

const configArb = fc.record({
  batchSize: fc.integer({ min: 1, max: 12 }),
  maximumRetryAttempts: fc.integer({ min: -1, max: 4 }),
  bisectBatchOnFunctionError: fc.boolean(),
})

describe("event source mapping decisions", () => {
  it("never checkpoints past an unprocessed record, whatever the handler answers (property)", () =>
    checkProperty(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        configArb,
        fc.array(behaviourArb, { maxLength: 40 }),
        (n, options, behaviours) => {
          const records = recordsOf(n)
          const result = simulate(mappingConfigOf(options), records, scripted(behaviours))
          expect(result.left).toBe(0)
          // Checkpoints only move forward.
          const positions = result.checkpoints.map((seq) =>
            records.findIndex((r) => r.sequenceNumber === seq),
          )
          expect(positions).toEqual([...positions].sort((a, b) => a - b))
          // Every record ends processed or discarded; discards come in order, each record once.
          const discarded = result.discarded.flatMap((d) => d.records.map((r) => r.sequenceNumber))
          expect(new Set(discarded).size).toBe(discarded.length)
          for (const record of records)
            expect(
              result.processed.has(record.sequenceNumber) || discarded.includes(record.sequenceNumber),
            ).toBe(true)
          // Batches are contiguous runs starting at the head.
          for (const batch of result.invocations) {
            const first = records.findIndex((r) => r.sequenceNumber === batch[0])
            expect(batch).toEqual(records.slice(first, first + batch.length).map((r) => r.sequenceNumber))
          }
        },
      ),
      100,
    ))

  it("bisects down to a poison record, discards it alone and processes all the others (property)", () =>
    checkProperty(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.nat(),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 0, max: 3 }),
        (n, p, batchSize, retries) => {
          const records = recordsOf(n)
          const poison = (records[p % n] as StreamRecord).sequenceNumber
          const config = mappingConfigOf({
            batchSize,
            maximumRetryAttempts: retries,
            bisectBatchOnFunctionError: true,
          })
          const result = simulate(config, records, (batch, processed) => {
            if (batch.some((r) => r.sequenceNumber === poison)) return threw
            batch.forEach(processed)
            return ok
          })
          expect(result.discarded).toHaveLength(1)
          const [only] = result.discarded
          expect(only?.records.map((r) => r.sequenceNumber)).toEqual([poison])
          expect(only?.condition).toBe("RetryAttemptsExhausted")
          expect(only?.functionError).toBe("Unhandled")
          const splits = Math.ceil(Math.log2(batchSize))
          expect(only?.invokeCount).toBeGreaterThanOrEqual(retries + 1)
          expect(only?.invokeCount).toBeLessThanOrEqual(retries + 1 + splits)
          expect(result.processed.size).toBe(n - 1)
          const batches = Math.ceil(n / batchSize)
          expect(result.invocations.length).toBeLessThanOrEqual(batches + 2 * batchSize + retries + 1)
        },
      ),
      100,
    ))

  it("bounds retries: a handler that always fails sees each batch MaximumRetryAttempts + 1 times (property)", () =>
    checkProperty(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom<InvocationOutcome>(
          threw,
          { _tag: "TimedOut", afterMs: 1 },
          fail({ batchItemFailures: [{}] }),
        ),
        (n, batchSize, retries, outcome) => {
          const records = recordsOf(n)
          const config = mappingConfigOf({ batchSize, maximumRetryAttempts: retries })
          const result = simulate(config, records, () => outcome)
          const batches = Math.ceil(n / batchSize)
          expect(result.invocations).toHaveLength(batches * (retries + 1))
          expect(result.discarded).toHaveLength(batches)
          for (const discard of result.discarded) expect(discard.invokeCount).toBe(retries + 1)
          expect(result.discarded.flatMap((d) => d.records)).toEqual(records)
        },
      ),
      100,
    ))

  it("sends records older than MaximumRecordAgeInSeconds to the destination without invoking them (property)", () =>
    checkProperty(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 300_000 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 60, max: 120 }),
        fc.integer({ min: 1_000, max: 20_000 }),
        (gaps, maxAge, msPerInvocation) => {
          let t = 0
          const arrivals = gaps.map((gap) => (t += gap))
          const records = recordsOf(gaps.length, (i) => arrivals[i] as number)
          const config = mappingConfigOf({ batchSize: 5, maximumRecordAgeInSeconds: maxAge })
          // Infinite retries of a failing handler: only age can move the checkpoint.
          const result = simulate(config, records, () => threw, { startMs: t, msPerInvocation })
          expect(result.left).toBe(0)
          expect(result.discarded.every((d) => d.condition === "RecordAgeExceeded")).toBe(true)
          expect(result.discarded.flatMap((d) => d.records)).toEqual(records)
        },
      ),
      100,
    ))

  it("waits for the batching window unless a full batch is buffered", () => {
    const config = mappingConfigOf({ batchSize: 4, maximumBatchingWindowInSeconds: 5 })
    const three = recordsOf(3)
    expect(planStep(config, initialMappingState, three, 1_000, source, 1_000)).toEqual({
      _tag: "Wait",
      untilMs: 6_000,
    })
    expect(planStep(config, initialMappingState, three, 6_000, source, 1_000)).toEqual({
      _tag: "Invoke",
      count: 3,
    })
    expect(planStep(config, initialMappingState, recordsOf(9), 1_000, source, 1_000)).toEqual({
      _tag: "Invoke",
      count: 4,
    })
    expect(planStep(mappingConfigOf({ batchSize: 4 }), initialMappingState, three, 0, source)).toEqual({
      _tag: "Invoke",
      count: 3,
    })
    expect(planStep(config, initialMappingState, [], 0, source)).toEqual({ _tag: "Wait" })
  })

  it("keeps a batch within the 6 MB invocation payload", () => {
    const big = recordsOf(10).map((r) => ({ ...r, data: new Uint8Array(1024 * 1024) }))
    const step = planStep(mappingConfigOf({ batchSize: 10 }), initialMappingState, big, 0, source)
    expect(step).toEqual({ _tag: "Invoke", count: 4 }) // 4 × 1.33 MiB of base64 fit in 6 MiB; 5 do not
  })

  it("follows the bisect timeline of the documentation", () => {
    const records = recordsOf(8)
    const poison = records[5]?.sequenceNumber
    const config = mappingConfigOf({
      batchSize: 8,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 1,
    })
    const result = simulate(config, records, (batch, processed) => {
      if (batch.some((r) => r.sequenceNumber === poison)) return threw
      batch.forEach(processed)
      return ok
    })
    const index = (seq: string) => records.findIndex((r) => r.sequenceNumber === seq) + 1
    expect(result.invocations.map((batch) => batch.map(index).join(","))).toEqual([
      "1,2,3,4,5,6,7,8",
      "1,2,3,4",
      "5,6,7,8",
      "5,6",
      "5",
      "6",
      "6",
      "7,8",
    ])
  })

  it("retries exactly the rest of a batch after a partial failure, with the quota reset", () => {
    const config = mappingConfigOf({ batchSize: 5, maximumRetryAttempts: 0 })
    const batch = recordsOf(5)
    const settled = settleInvocation(config, initialMappingState, batch, {
      _tag: "PartiallyFailed",
      firstFailed: 2,
    })
    expect(settled).toMatchObject({ consumed: 2, checkpoint: batch[1]?.sequenceNumber, retry: true })
    expect(settled.state).toMatchObject({ attempts: 0, pending: [3] })
    const again = settleInvocation(config, settled.state, batch.slice(2), {
      _tag: "PartiallyFailed",
      firstFailed: 0,
    })
    expect(again.discarded?.records).toEqual(batch.slice(2))
    expect(again.discarded?.functionError).toBeUndefined()
  })

  it("refuses settings AWS refuses", () => {
    expect(() => mappingConfigOf({ batchSize: 0 })).toThrow(/BatchSize/)
    expect(() => mappingConfigOf({ batchSize: 10_001 })).toThrow(/BatchSize/)
    expect(() => mappingConfigOf({ maximumRecordAgeInSeconds: 30 })).toThrow(/MaximumRecordAgeInSeconds/)
    expect(() => mappingConfigOf({ maximumRetryAttempts: -2 })).toThrow(/MaximumRetryAttempts/)
    expect(() => mappingConfigOf({ maximumBatchingWindowInSeconds: 301 })).toThrow(/MaximumBatchingWindow/)
    expect(mappingConfigOf().batchSize).toBe(100)
  })
})
