/**
 * Hostile rules files and messages through the rules engine: every corpus rules file loads or
 * is refused with the path of what is wrong (never an exception), fuzzed SQL and rules files
 * never throw, and routing hostile topics and payloads through the hands-on rules never throws
 * and matches only the topics the rules read.
 */
import { compileRule, handsOnRules, loadRules, loadRulesText, topicNameProblem } from "@sluice/core"
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { payloadCases, rulesFileCases, topicCases } from "../../src/hostile/corpus.ts"
import { hostilePayload, hostileRulesText, hostileSql, hostileTopic } from "../../src/hostile/fuzz.ts"
import { checkPrototypeAfterEach } from "./prototype.ts"

checkPrototypeAfterEach()

const loaded = loadRules(handsOnRules)
if (!loaded.ok) throw new Error("the hands-on rules do not load")
const rules = loaded.value
const context = {
  timestampMs: 1_795_676_563_000,
  newUuid: () => "00000000-0000-4000-8000-000000000000",
  clientId: "c",
}
const READING = new TextEncoder().encode(
  '{"DEVICE_NAME":"device-1","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":21,"HUMIDITY":48}',
)

describe("hostile rules files", () => {
  it.each(rulesFileCases().map((c) => [c.name, c] as const))("%s", (_, c) => {
    const result = loadRulesText(c.text)
    if (c.issue === undefined) expect(result.ok, JSON.stringify(result.ok ? "" : result.issues)).toBe(true)
    else {
      expect(result.ok).toBe(false)
      if (!result.ok) {
        expect(
          result.issues.some((issue) => issue.path.startsWith(c.issue as string)),
          JSON.stringify(result.issues),
        ).toBe(true)
        for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(0)
      }
    }
  })

  it("never throws on fuzzed rules files and SQL", () => {
    checkProperty(
      fc.property(hostileRulesText, (text) => void loadRulesText(text)),
      300,
    )
    checkProperty(
      fc.property(hostileSql, (sql) => void compileRule(sql)),
      300,
    )
  })
})

describe("hostile messages through the hands-on rules", () => {
  it.each(topicCases().map((c) => [JSON.stringify(c.topic.slice(0, 60)), c] as const))(
    "routes %s as expected",
    (_, c) => {
      // A topic a client may not publish to never reaches the rules: the broker refuses it.
      expect(topicNameProblem(c.topic) === undefined).toBe(c.valid)
      if (!c.valid) return
      const matches = rules.route({ topic: c.topic, payload: READING }, context)
      expect(matches.length > 0).toBe(c.routed)
    },
  )

  it("routes every corpus payload without throwing", () => {
    for (const c of payloadCases()) rules.route({ topic: "data/device-1", payload: c.bytes }, context)
  })

  it("never throws on fuzzed topics and payloads, and only data/<one level> matches", () =>
    checkProperty(
      fc.property(hostileTopic, hostilePayload, (topic, payload) => {
        const matches = rules.route({ topic, payload }, context)
        if (matches.length > 0)
          expect(topic.startsWith("data/") || topic.startsWith("$aws/rules/")).toBe(true)
      }),
      300,
    ))
})
