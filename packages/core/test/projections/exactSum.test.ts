import { addExact, mergeExact, totalExact } from "@sluice/core"
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"

const sumOf = (xs: ReadonlyArray<number>) => totalExact(xs.reduce<number[]>((p, x) => addExact(p, x), []))

describe("exact sums", () => {
  it("sums what plain addition loses", () => {
    expect(sumOf([1e100, 1, -1e100])).toBe(1)
    expect(sumOf([0.1, 0.2, 0.3])).toBe(0.6)
    expect(0.1 + 0.2 + 0.3).not.toBe(0.6)
    expect(sumOf([])).toBe(0)
  })

  it("is exact for integers (property)", () =>
    checkProperty(
      fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 }), { maxLength: 50 }), (xs) => {
        expect(sumOf(xs)).toBe(xs.reduce((a, b) => a + b, 0))
      }),
    ))

  it("does not depend on the order of the numbers (property)", () =>
    checkProperty(
      fc.property(
        fc
          .array(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 40 })
          .chain((xs) =>
            fc.tuple(
              fc.constant(xs),
              fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }),
            ),
          ),
        ([xs, shuffled]) => {
          expect(Object.is(sumOf(xs), sumOf(shuffled))).toBe(true)
        },
      ),
    ))

  it("merges two sums into the sum of all (property)", () =>
    checkProperty(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 20 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 20 }),
        (a, b) => {
          const merged = mergeExact(
            a.reduce<number[]>((p, x) => addExact(p, x), []),
            b.reduce<number[]>((p, x) => addExact(p, x), []),
          )
          expect(Object.is(totalExact(merged), sumOf([...a, ...b]))).toBe(true)
        },
      ),
    ))
})
