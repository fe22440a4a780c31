import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  Fatal,
  failed,
  Poison,
  type RecordOutcome,
  Retryable,
  reconcile,
  skipped,
  succeeded,
  Throttled,
} from "../../src/delivery/index.ts"

const outcome: fc.Arbitrary<RecordOutcome> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(succeeded) },
  { weight: 1, arbitrary: fc.constant(skipped) },
  { weight: 1, arbitrary: fc.constant(failed(new Retryable({ reason: "timeout" }))) },
  { weight: 1, arbitrary: fc.constant(failed(new Throttled({ reason: "slow" }))) },
  { weight: 1, arbitrary: fc.constant(failed(new Poison({ reason: "bad record" }))) },
  { weight: 1, arbitrary: fc.constant(failed(new Fatal({ reason: "no table" }))) },
)
const batchArb = fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), outcome), { maxLength: 40 })

describe("reconcile (invariants 1, 3 and 5)", () => {
  it("puts every record in exactly one place, keeps each key's order, and never retries poison", () => {
    checkProperty(
      fc.property(batchArb, (pairs) => {
        const batch = pairs.map(([key], i) => ({ key, i }))
        const result = reconcile(
          batch,
          pairs.map(([, o]) => o),
          (r) => r.key,
        )
        const all = [
          ...result.done,
          ...result.retry,
          ...result.deadLetter.map((d) => d.record),
          ...result.fatal.map((f) => f.record),
        ]
        expect(all.map((r) => r.i).sort((x, y) => x - y)).toEqual(batch.map((r) => r.i))
        for (const { record, error } of result.deadLetter) {
          expect(pairs[record.i]![1]).toEqual(failed(error))
          expect(result.retry).not.toContain(record)
        }
        for (const key of ["a", "b", "c"]) {
          const done = result.done.filter((r) => r.key === key).map((r) => r.i)
          const retry = result.retry.filter((r) => r.key === key).map((r) => r.i)
          // No record of a key is done after one of its records must be retried.
          if (retry.length > 0 && done.length > 0) expect(Math.max(...done)).toBeLessThan(Math.min(...retry))
          expect(retry).toEqual([...retry].sort((x, y) => x - y))
        }
      }),
      500,
    )
  })

  it("retries from a key's first transient failure on, even past later successes", () => {
    const batch = ["a1", "a2", "a3", "a4", "a5", "b1"].map((id) => ({ id, key: id[0]! }))
    const result = reconcile(
      batch,
      [
        succeeded,
        failed(new Retryable({ reason: "t" })),
        succeeded,
        failed(new Poison({ reason: "p" })),
        succeeded,
        succeeded,
      ],
      (r) => r.key,
    )
    expect(result.done.map((r) => r.id)).toEqual(["a1", "b1"])
    expect(result.retry.map((r) => r.id)).toEqual(["a2", "a3", "a5"])
    expect(result.deadLetter.map((d) => [d.record.id, d.error.reason])).toEqual([["a4", "p"]])
  })

  it("refuses mismatched outcomes", () => {
    expect(() => reconcile([1, 2], [succeeded], String)).toThrow(/2 records but 1 outcomes/)
  })
})
