/**
 * Evaluation as an API: the two payload paths (bytes, parsed JSON), SQL version differences,
 * non-JSON and hostile payloads, and the shape of results.
 */
import { describe, expect, it } from "vitest"
import { compileRule, PreparedMessage } from "../../src/rules/index.ts"
import { compiled, evaluate, expressionValue, jsonBytes, output, testContext, utf8 } from "./helpers.ts"

describe("payload paths", () => {
  const rule = compiled("SELECT a, b.c AS c, encode(*, 'base64') AS raw FROM 't'")
  it("bytes and parsed JSON give the same output", () => {
    const json = { a: 1, b: { c: [true] } }
    const fromBytes = rule.evaluate({ topic: "t", payload: jsonBytes(json) }, testContext())
    const fromJson = rule.evaluate({ topic: "t", json }, testContext())
    expect(fromJson).toEqual(fromBytes)
  })
  it("with both, fields come from the JSON and `*` bytes from the payload", () => {
    const result = rule.evaluate({ topic: "t", payload: utf8('{ "a" : 1 }'), json: { a: 1 } }, testContext())
    expect(result).toEqual({
      matched: true,
      output: { a: 1, raw: Buffer.from('{ "a" : 1 }').toString("base64") },
    })
  })
  it("a prepared message is parsed once for many rules", () => {
    const prepared = PreparedMessage.from({ topic: "t", payload: jsonBytes({ a: 2 }) })
    expect(compiled("SELECT a FROM 't'").evaluate(prepared, testContext())).toEqual({
      matched: true,
      output: { a: 2 },
    })
    expect(prepared.json).toBe(prepared.json)
  })
  it("the topic must match the FROM filter", () => {
    expect(rule.evaluate({ topic: "other", json: {} }, testContext())).toEqual({ matched: false })
  })
})

describe("non-JSON and unusual payloads", () => {
  it("invalid UTF-8, an empty payload and text are binary", () => {
    for (const bytes of [new Uint8Array([0xc3, 0x28]), new Uint8Array(0), utf8("hello")]) {
      expect(output("SELECT * FROM 'topic/subtopic'", bytes)).toBe(bytes)
      expect(output("SELECT isUndefined(x) AS u FROM 'topic/subtopic'", bytes)).toEqual({ u: true })
    }
  })
  it("a JSON scalar or array payload is JSON but has no fields", () => {
    expect(output("SELECT * FROM 'topic/subtopic'", [1, 2])).toEqual([1, 2])
    expect(output("SELECT x FROM 'topic/subtopic'", "text")).toEqual({})
    expect(evaluate("SELECT *, 1 AS one FROM 'topic/subtopic'", 5).matched).toBe(false)
  })
  it("inherited property names are not fields; __proto__ is copied as data", () => {
    const payload = utf8('{"__proto__": {"polluted": true}, "a": 1}')
    expect(output("SELECT constructor, toString, hasOwnProperty FROM 'topic/subtopic'", { a: 1 })).toEqual({})
    const copied = output("SELECT *, 2 AS b FROM 'topic/subtopic'", payload) as Record<string, unknown>
    expect(Object.keys(copied)).toEqual(["__proto__", "a", "b"])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(output("SELECT __proto__.polluted AS p FROM 'topic/subtopic'", payload)).toEqual({ p: true })
    expect(output("SELECT 1 AS __proto__ FROM 'topic/subtopic'", {})).toEqual(JSON.parse('{"__proto__": 1}'))
  })
  it("a payload nested beyond the stack does not throw", () => {
    const deep = `${"[".repeat(200000)}${"]".repeat(200000)}`
    const rule = compiled("SELECT VALUE x = x FROM 't'")
    expect(() => rule.evaluate({ topic: "t", payload: utf8(deep) }, testContext())).not.toThrow()
    for (const sql of ["SELECT VALUE get(*, 0) = get(*, 0) FROM 't'", "SELECT VALUE lower(*) FROM 't'"]) {
      expect(() => compiled(sql).evaluate({ topic: "t", payload: utf8(deep) }, testContext())).not.toThrow()
    }
  })
})

describe("results", () => {
  it("SELECT VALUE of Undefined is an empty payload", () => {
    expect(output("SELECT VALUE nothing FROM 'topic/subtopic'", {})).toEqual(new Uint8Array(0))
  })
  it("SELECT * returns the payload itself, unchanged by later rules' outputs", () => {
    const payload = { a: { b: 1 } }
    const out = output("SELECT *, 2 AS a.c FROM 'topic/subtopic'", payload)
    expect(out).toEqual({ a: { b: 1, c: 2 } })
    expect(payload).toEqual({ a: { b: 1 } })
  })
  it("evaluation is reproducible: same message, same context, same output", () => {
    const rule = compiled("SELECT newuuid() AS id, timestamp() AS ts, rand() AS r FROM 't'")
    const a = rule.evaluate({ topic: "t", json: {} }, testContext())
    const b = rule.evaluate({ topic: "t", json: {} }, testContext())
    expect(a).toEqual(b)
    expect(rule.evaluate({ topic: "t", json: {} }, testContext({ random: () => 0.25 }))).toMatchObject({
      output: { r: 0.25 },
    })
  })
  it("clientid() is n/a without a client id", () => {
    const rule = compiled("SELECT clientid() AS c FROM 't'")
    expect(rule.evaluate({ topic: "t", json: {} }, { timestampMs: 0, newUuid: () => "u" })).toEqual({
      matched: true,
      output: { c: "n/a" },
    })
  })
})

describe("SQL version 2015-10-08", () => {
  const v1 = (expression: string, payload: unknown = {}) => expressionValue(expression, payload, "2015-10-08")
  it("keeps whole-number Decimals Decimal in arithmetic", () => {
    expect(v1("10.0 / 4")).toBe(2.5)
    expect(v1("10 / 4")).toBe(2)
    expect(v1("a / 4", utf8('{"a": 10.0}'))).toBe(2.5)
    expect(v1("1.5 * 2 / 4")).toBe(0.75)
  })
  it("prints whole-number Decimals with a decimal point", () => {
    expect(v1("concat('', 10.0)")).toBe("10.0")
    expect(v1("'' + a", utf8('{"a": [2.0, 3, {"b": 1.0}]}'))).toBe('[2.0,3,{"b":1.0}]')
  })
  it("outputs numbers as JSON numbers (10.0 becomes 10)", () => {
    expect(evaluate("SELECT * FROM 't'", utf8('{"a": 10.0}'), "t", { sqlVersion: "2015-10-08" })).toEqual({
      matched: true,
      output: { a: 10 },
    })
    expect(evaluate("SELECT a FROM 't'", utf8('{"a": 10.0}'), "t", { sqlVersion: "2015-10-08" })).toEqual({
      matched: true,
      output: { a: 10 },
    })
  })
  it("cannot output an Array as the top-level payload", () => {
    expect(evaluate("SELECT VALUE a FROM 't'", { a: [1] }, "t", { sqlVersion: "2015-10-08" })).toEqual({
      matched: true,
      output: new Uint8Array(0),
    })
  })
  it("lacks the 2016-03-23 functions and cast types", () => {
    for (const sql of [
      "SELECT encode(*, 'base64') AS e FROM 't'",
      "SELECT parse_time('yyyy', 0) AS p FROM 't'",
      "SELECT cast(1 AS Decimal) AS c FROM 't'",
      "SELECT {'a': 1} AS o FROM 't'",
      "SELECT * FROM 't' WHERE EXISTS (SELECT * FROM a)",
    ]) {
      expect(compileRule(sql, { sqlVersion: "2015-10-08" }).ok).toBe(false)
      expect(compileRule(sql, { sqlVersion: "2016-03-23" }).ok).toBe(true)
    }
  })
})
