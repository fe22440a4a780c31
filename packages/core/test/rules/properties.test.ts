/**
 * Properties of the rules engine:
 * - printing a statement and parsing the text gives the same tree;
 * - evaluating any compiled statement on any JSON payload (or bytes, or any topic) never
 *   throws, in either SQL version, and its output is JSON-serialisable or bytes;
 * - substitution templates never throw either.
 */

import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  compileRule,
  compileTemplate,
  loadRules,
  parseStatement,
  printExpr,
  printStatement,
} from "../../src/rules/index.ts"
import {
  exprArbitrary,
  payloadArbitrary,
  statementArbitrary,
  topicArbitrary,
  withoutPositions,
} from "./arbitraries.ts"
import { jsonBytes, testContext } from "./helpers.ts"

describe("printer", () => {
  it("print(parse(s)) parses to the same tree (statements with any function names)", () => {
    checkProperty(
      fc.property(statementArbitrary({ knownFunctions: false }), (statement) => {
        const text = printStatement(statement)
        const parsed = parseStatement(text)
        if (!parsed.ok) throw new Error(`${text}\n${JSON.stringify(parsed.error)}`)
        expect(withoutPositions(parsed.value)).toEqual(withoutPositions(statement))
        // And printing is stable: the reparsed tree prints to the same text.
        expect(printStatement(parsed.value)).toBe(text)
      }),
      300,
    )
  })
})

const payloadBytes = fc.oneof(
  payloadArbitrary.map(jsonBytes),
  fc.uint8Array({ maxLength: 16 }),
  fc
    .constantFrom(
      '{"a": 10.0, "b": [1.50, 2e2]}',
      '{"__proto__": {"x": 1}, "constructor": 1}',
      "[]",
      '"s"',
      "",
    )
    .map((text) => new TextEncoder().encode(text)),
)

describe("evaluation never throws", () => {
  it("for any compiled statement, payload and topic, in both SQL versions", () => {
    checkProperty(
      fc.property(
        statementArbitrary(),
        payloadBytes,
        fc.oneof(topicArbitrary, fc.constant("data/dev1")),
        fc.constantFrom("2015-10-08" as const, "2016-03-23" as const),
        (statement, payload, topic, sqlVersion) => {
          const compiled = compileRule(printStatement(statement), { sqlVersion })
          if (!compiled.ok) return
          // `evaluateOrThrow` lets an engine defect surface instead of becoming "no match".
          const result = compiled.rule.evaluateOrThrow({ topic, payload }, testContext())
          if (result.matched && !(result.output instanceof Uint8Array)) {
            expect(() => JSON.stringify(result.output)).not.toThrow()
          }
        },
      ),
      400,
    )
  })

  it("for statements over parsed JSON given directly", () => {
    checkProperty(
      fc.property(statementArbitrary(), payloadArbitrary, (statement, json) => {
        const compiled = compileRule(`${printStatement({ ...statement, topicFilter: "#" })}`)
        if (!compiled.ok) return
        compiled.rule.evaluateOrThrow({ topic: "a/b", json }, testContext())
      }),
      200,
    )
  })

  it("when routing through a rule set, templates included", () => {
    checkProperty(
      fc.property(statementArbitrary(), exprArbitrary(), payloadBytes, (statement, expr, payload) => {
        const loaded = loadRules({
          rules: {
            generated: {
              sql: printStatement({ ...statement, topicFilter: "#" }),
              awsIotSqlVersion: "2016-03-23",
              actions: [{ s3: { bucketName: "b", key: `k-\${${printExpr(expr)}}` } }],
            },
          },
        })
        if (!loaded.ok) return
        for (const match of loaded.value.route({ topic: "a/b", payload }, testContext())) {
          expect(typeof match.invocations[0]?.params.key).toBe("string")
        }
      }),
      200,
    )
  })

  it("for substitution templates", () => {
    checkProperty(
      fc.property(exprArbitrary(), payloadBytes, (expr, payload) => {
        const compiled = compileTemplate(`k-\${${printExpr(expr)}}-$$`)
        if (!compiled.ok) return
        expect(typeof compiled.template.render({ topic: "a/b", payload }, testContext())).toBe("string")
      }),
      200,
    )
  })
})
