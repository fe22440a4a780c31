// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are IoT substitution templates
/**
 * The performance shortcuts give the same answers as the general paths: generated field access
 * versus its closure fallback (code generation disabled), shared environments across contexts
 * and versions, and shared topic matching across rules.
 */

import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  compileRule,
  compileTemplate,
  handsOnRules,
  loadRules,
  PreparedMessage,
  type RuleSet,
} from "../../src/rules/index.ts"
import { payloadArbitrary } from "./arbitraries.ts"
import { jsonBytes, testContext } from "./helpers.ts"

/** Runs `body` with `new Function` refusing to compile, as under --disallow-code-generation-from-strings. */
const withoutCodeGeneration = <T>(body: () => T): T => {
  const original = globalThis.Function
  globalThis.Function = new Proxy(original, {
    construct: () => {
      throw new EvalError("Code generation from strings disallowed for this context")
    },
  })
  try {
    return body()
  } finally {
    globalThis.Function = original
  }
}

const load = (input: unknown): RuleSet => {
  const loaded = loadRules(input)
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues))
  return loaded.value
}

// JSON.parse, so `__proto__` is an ordinary own key (an object literal would set the prototype).
const extraRules: unknown = JSON.parse(`{
  "rules": {
    "picks": {
      "sql": "SELECT a, b AS c, __proto__ AS p, TEMP FROM 'data/#'",
      "awsIotSqlVersion": "2016-03-23",
      "actions": [{ "timestream": { "tableName": "b-\${a}", "key": "\${topic(2)}/\${b}-\${missing}", "__proto__": "x" } }]
    },
    "protoKey": {
      "sql": "SELECT a AS __proto__, value FROM 'data/+'",
      "awsIotSqlVersion": "2016-03-23",
      "actions": [{ "lambda": { "functionArn": "\${concat('f-', value)}" } }]
    }
  }
}`)

const keysOf = (value: unknown): string[] =>
  typeof value === "object" && value !== null ? Object.keys(value) : []

describe("generated code and its fallbacks agree", () => {
  const generated = [load(handsOnRules), load(extraRules)]
  const fallback = withoutCodeGeneration(() => [load(handsOnRules), load(extraRules)])

  it("on any payload", () => {
    checkProperty(
      fc.property(
        payloadArbitrary,
        fc.constantFrom("data/dev1", "data/", "data/a/b", "other"),
        (json, topic) => {
          for (let i = 0; i < generated.length; i++) {
            const context = testContext()
            const a = (generated[i] as RuleSet).route({ topic, json }, context)
            const b = (fallback[i] as RuleSet).route({ topic, json }, testContext())
            expect(JSON.stringify(a)).toBe(JSON.stringify(b))
            expect(a.map((m) => keysOf(m.output))).toEqual(b.map((m) => keysOf(m.output)))
          }
        },
      ),
      200,
    )
  })

  it("templates render the same either way", () => {
    const source = "x-${a}/${b.c}-${upper(a)}-${topic(1)}$$"
    const fast = compileTemplate(source)
    const slow = withoutCodeGeneration(() => compileTemplate(source))
    const message = { topic: "t/u", payload: jsonBytes({ a: "q", b: { c: [1] } }) }
    expect(fast.ok && fast.template.render(message, testContext())).toBe("x-q/[1]-Q-t$")
    expect(slow.ok && slow.template.render(message, testContext())).toBe("x-q/[1]-Q-t$")
  })

  it("a __proto__ key is data in every output object", () => {
    for (const rules of [generated[1], fallback[1]]) {
      const [picks, protoKey] = (rules as RuleSet).route(
        { topic: "data/d", json: { a: 1, value: 2 } },
        testContext(),
      )
      expect(Object.getPrototypeOf(picks?.output)).toBe(Object.prototype)
      expect(Object.hasOwn(protoKey?.output as object, "__proto__")).toBe(true)
      expect(Object.hasOwn(picks?.invocations[0]?.params as object, "__proto__")).toBe(true)
    }
  })
})

describe("shared environments and topic tests", () => {
  it("one prepared message, two contexts: each evaluation sees its own", () => {
    const rule = compileRule("SELECT clientid() AS c FROM 'a'")
    if (!rule.ok) throw new Error("compile")
    const message = PreparedMessage.from({ topic: "a", json: {} })
    expect(rule.rule.evaluate(message, testContext({ clientId: "one" }))).toMatchObject({
      output: { c: "one" },
    })
    expect(rule.rule.evaluate(message, testContext({ clientId: "two" }))).toMatchObject({
      output: { c: "two" },
    })
    expect(rule.rule.evaluate(message, testContext({ clientId: "one" }))).toMatchObject({
      output: { c: "one" },
    })
  })

  it("one prepared message, two SQL versions: each reads the payload its way", () => {
    const v1 = compileRule("SELECT VALUE a / 4 FROM 'a'", { sqlVersion: "2015-10-08" })
    const v2 = compileRule("SELECT VALUE a / 4 FROM 'a'", { sqlVersion: "2016-03-23" })
    if (!v1.ok || !v2.ok) throw new Error("compile")
    const message = PreparedMessage.from({ topic: "a", payload: new TextEncoder().encode('{"a": 10.0}') })
    const context = testContext()
    expect(v2.rule.evaluate(message, context)).toEqual({ matched: true, output: 2 })
    expect(v1.rule.evaluate(message, context)).toEqual({ matched: true, output: 2.5 })
    expect(v2.rule.evaluate(message, context)).toEqual({ matched: true, output: 2 })
  })

  it("rules sharing a filter and rules with other filters, in any order, match as alone", () => {
    const filters = ["data/+", "data/#", "#", "other/+", "data/+/x"]
    checkProperty(
      fc.property(
        fc.array(fc.constantFrom(...filters), { minLength: 1, maxLength: 6 }),
        fc.constantFrom("data/d", "data/d/x", "other/o"),
        (chosen, topic) => {
          const rules = chosen.map((filter) => compileRule(`SELECT * FROM '${filter}'`))
          const message = PreparedMessage.from({ topic, json: { a: 1 } })
          for (const [i, rule] of rules.entries()) {
            if (!rule.ok) throw new Error("compile")
            const alone = rule.rule.evaluate({ topic, json: { a: 1 } }, testContext())
            expect(rule.rule.evaluate(message, testContext()), chosen[i]).toEqual(alone)
          }
        },
      ),
      200,
    )
  })
})
