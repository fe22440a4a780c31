/**
 * The aggregates' set of counted sort keys (sortKeySet.ts) against a plain Set: the same members
 * whatever the order of insertion, and one canonical form for one set of keys — what makes a
 * rebuilt aggregate state equal to the live one.
 */
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  addSortKey,
  hasSortKey,
  type SortKeySet,
  sortKeySetOf,
  sortKeysOf,
} from "../../src/projections/sortKeySet.ts"

/** Keys that often run: a few prefixes, small numbers at a few widths, and some oddities. */
const keyArb = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("2026-11-26T07:00:1", "2026-11-26T07:00:12#", "a#", "a#4"),
      fc.nat(30),
      fc.constantFrom(1, 2, 3),
    )
    .map(([prefix, n, width]) => `${prefix}${String(n).padStart(width, "0")}`),
  fc.constantFrom("a#41x", "a#", "", "9", "99", "a#9", "a#99", "a#100", "a#0099", "a#0100"),
  // Keys that fall inside a run's span without being of it: the run must split around them.
  fc.nat(8).map((n) => `a#${38 + n}`),
  fc.constantFrom("a#41x", "a#410", "a#41#", "a#42 ", "a#399"),
  fc.string({ maxLength: 6 }),
  fc
    .tuple(fc.constantFrom("x", "2026-11-26T07:00:12#"), fc.bigInt({ min: 0n, max: 10n ** 17n }))
    .map(([prefix, n]) => `${prefix}${n.toString().padStart(17, "0")}`),
)

describe("sort key sets", () => {
  it("hold exactly the keys added, in order, in one form whatever the order (property)", () => {
    checkProperty(
      fc.property(
        fc
          .array(keyArb, { maxLength: 60 })
          .chain((keys) =>
            fc.tuple(fc.constant(keys), fc.shuffledSubarray(keys, { minLength: keys.length })),
          ),
        fc.array(keyArb, { maxLength: 10 }),
        ([keys, shuffled], probes) => {
          const expected = [...new Set(keys)].sort()
          const set = sortKeySetOf(keys)
          expect(sortKeysOf(set)).toEqual(expected)
          expect(sortKeySetOf(shuffled)).toEqual(set)
          for (const key of [...keys, ...probes]) expect(hasSortKey(set, key)).toBe(expected.includes(key))
          // JSON round trip: the form is plain data.
          expect(JSON.parse(JSON.stringify(set))).toEqual(set)
        },
      ),
      1000,
    )
  })

  it("keeps consecutive keys as one run, and adding a member changes nothing", () => {
    let set: SortKeySet = []
    for (let n = 0; n < 100; n++) set = addSortKey(set, `2026-11-26T07:00:12#${String(n).padStart(16, "0")}`)
    expect(set).toEqual([["2026-11-26T07:00:12#0000000000000000", 100]])
    expect(addSortKey(set, "2026-11-26T07:00:12#0000000000000042")).toBe(set)
    const seconds = sortKeySetOf(["2026-11-26T07:00:58", "2026-11-26T07:00:59", "2026-11-26T07:01:00"])
    expect(seconds).toEqual([["2026-11-26T07:00:58", 2], "2026-11-26T07:01:00"])
  })
})
