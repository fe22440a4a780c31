/**
 * Topic filters: validation, the MQTT matching rules, and a property holding the precompiled
 * matcher to a straightforward split-and-compare reference implementation.
 */

import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  compileTopicFilter,
  topicFilterProblem,
  topicMatches,
  topicNameProblem,
} from "../../src/rules/index.ts"
import { topicArbitrary, topicFilterArbitrary } from "./arbitraries.ts"

/** MQTT 3.1.1 §4.7 matching, written as plainly as possible. */
const referenceMatches = (filter: string, topic: string): boolean => {
  if (topic.length === 0) return false
  if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) return false
  const f = filter.split("/")
  const t = topic.split("/")
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true
    if (i >= t.length) return false
    if (f[i] !== "+" && f[i] !== t[i]) return false
  }
  return f.length === t.length
}

describe("topic filter matching", () => {
  const cases: Array<[string, string, boolean]> = [
    ["data/+", "data/dev1", true],
    ["data/+", "data/", true],
    ["data/+", "data", false],
    ["data/+", "data/dev1/x", false],
    ["data/#", "data", true],
    ["data/#", "data/a/b/c", true],
    ["data/#", "database", false],
    ["#", "a/b", true],
    ["#", "$aws/things/t/shadow/update", false],
    ["+/shadow", "$aws/shadow", false],
    ["$aws/things/+/shadow/update", "$aws/things/t1/shadow/update", true],
    ["+/+", "/x", true],
    ["/+", "/x", true],
    ["a/b", "a/b", true],
    ["a/b", "a/b/", false],
    ["sport/tennis/+", "sport/tennis/player1", true],
    ["sport/tennis/+", "sport/tennis/player1/ranking", false],
    ["sport/+/player1", "sport/tennis/player1", true],
    ["+/+/#", "a", false],
    ["+/#", "a", true],
  ]
  it.each(cases)("%s matches %s: %s", (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected)
    expect(referenceMatches(filter, topic)).toBe(expected)
  })

  it("an invalid filter matches nothing", () => {
    expect(topicMatches("a/#/b", "a/x/b")).toBe(false)
  })

  it("agrees with the reference implementation on generated filters and topics", () => {
    checkProperty(
      fc.property(topicFilterArbitrary, topicArbitrary, (filter, topic) => {
        expect(topicFilterProblem(filter)).toBeUndefined()
        expect(compileTopicFilter(filter)(topic)).toBe(referenceMatches(filter, topic))
      }),
      2000,
    )
  })

  it("agrees on topics derived from the filter (where matches are likely)", () => {
    const derived = topicFilterArbitrary.chain((filter) =>
      fc.array(fc.constantFrom("x", "", "dev", "$y"), { minLength: 0, maxLength: 3 }).map((extra) => {
        const levels = filter
          .split("/")
          .flatMap((level, i) =>
            level === "#" ? extra : [level === "+" ? (extra[i % Math.max(1, extra.length)] ?? "z") : level],
          )
        return [filter, levels.join("/")] as const
      }),
    )
    checkProperty(
      fc.property(derived, ([filter, topic]) => {
        expect(compileTopicFilter(filter)(topic)).toBe(referenceMatches(filter, topic))
      }),
      2000,
    )
  })
})

describe("topic filter validation", () => {
  const invalid: Array<[string, RegExp]> = [
    ["", /empty/],
    ["a/#/b", /'#'/],
    ["a#", /'#'/],
    ["a/b+", /'\+'/],
    ["+a", /'\+'/],
    ["a\u0000b", /null character/],
    ["x".repeat(257), /256 bytes/],
    ["é".repeat(129), /256 bytes/],
  ]
  it.each(invalid)("%j is invalid", (filter, message) => {
    expect(topicFilterProblem(filter)).toMatch(message)
  })
  it.each(["#", "+", "a/+/b/#", "/", "$aws/rules/r/x", "x".repeat(256)])("%j is valid", (filter) => {
    expect(topicFilterProblem(filter)).toBeUndefined()
  })
  it("topic names cannot contain wildcards", () => {
    expect(topicNameProblem("data/+")).toMatch(/wildcards/)
    expect(topicNameProblem("data/dev1")).toBeUndefined()
  })
})
