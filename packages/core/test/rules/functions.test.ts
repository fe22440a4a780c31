/**
 * Every example of the AWS IoT SQL "Functions" reference page, plus the argument-type tables
 * where they decide behaviour. Each row is `expression → expected value` evaluated with
 * `SELECT VALUE expression` (Undefined shows as undefined). Where the reference contradicts
 * itself, the row says which side we follow.
 */
import { describe, expect, it } from "vitest"
import { compileRule } from "../../src/rules/index.ts"
import { expressionValue, output, TIMESTAMP_MS } from "./helpers.ts"

const examples: Array<[string, unknown]> = [
  ["abs(-5)", 5],
  ["abs(-5.5)", 5.5],
  ["abs('-5.123')", 5.123],
  ["abs(true)", undefined],
  ["accountid()", "123456789012"],
  ["acos(0)", 1.5707963267948966],
  ["asin(0)", 0],
  ["atan(0)", 0],
  ["atan2(1, 0)", 1.5707963267948966],
  ["bitand(13, 5)", 5],
  ["bitor(8, 5)", 13],
  ["bitxor(13, 5)", 8],
  ["bitnot(13)", 2],
  ["bitand('13', 5.7)", 5],
  ["cast(true as Int)", 1],
  ["ceil(1.2)", 2],
  ["ceil(-1.2)", -1],
  ["chr(65)", "A"],
  ["chr(49)", "1"],
  ["chr(300)", undefined],
  ["clientid()", "iotconsole-1511213971966-0"],
  ["concat()", undefined],
  // The table says a single argument "is returned unmodified"; the example shows "1". We follow the table.
  ["concat(1)", 1],
  ["concat([1, 2, 3], 4)", [1, 2, 3, 4]],
  ["concat([1, 2, 3], 'hello')", [1, 2, 3, "hello"]],
  ["concat('con', 'cat')", "concat"],
  ["concat(1, 'hello')", "1hello"],
  ["concat('he','is','man')", "heisman"],
  ["concat([1, 2, 3], 'hello', [4, 5, 6])", [1, 2, 3, "hello", 4, 5, 6]],
  ["cos(0)", 1],
  ["cosh(2.3)", 5.037220649268761],
  ["endswith('cat','at')", true],
  ["exp(1)", Math.E],
  ["floor(1.2)", 1],
  ["floor(-1.2)", -2],
  ["get(['a', 'b', 'c'], 1)", "b"],
  ["get({'a':'b'}, 'a')", "b"],
  // The table says Strings are indexed from 0; the page's example `get("abc", 1)` = "a" disagrees. We follow the table.
  ["get('abc', 1)", "b"],
  ["md5('hello')", "5d41402abc4b2a76b9719d911017c592"],
  ["indexof('abcd', 'bc')", 1],
  ["isNull(5)", false],
  ["isNull(Null)", true],
  ["isUndefined(5)", false],
  ["isUndefined(floor([1,2,3]))", true],
  ["length('hi')", 2],
  ["length(false)", 5],
  ["ln(exp(1))", 1],
  ["log(100)", 2],
  ["lower('HELLO')", "hello"],
  ["lower(['HELLO'])", '["hello"]'],
  ["lpad('hello', 2)", "  hello"],
  ["lpad(1, 3)", "   1"],
  ["Ltrim(' h i ')", "h i "],
  ["mod(8, 3)", 2],
  ["Nanvl(8, 3)", 8],
  ["nanvl(nothing, 3)", 3],
  ["newuuid()", "00000000-0000-4000-8000-000000000001"],
  ["numbytes('hi')", 2],
  ["numbytes('€')", 3],
  ["power(2, 5)", 32],
  ["principal()", "ba67293af50bf2506f5f93469686da660c7c844e7b3950bfb16813e0d31e9373"],
  ["regexp_matches('aaaa', 'a{2,}')", true],
  ["regexp_matches('aaaa', 'b')", false],
  ["regexp_replace('abcd', 'bc', 'x')", "axd"],
  ["regexp_replace('abcd', 'b(.*)d', '$1')", "ac"],
  ["regexp_substr('hihihello', 'hi')", "hi"],
  ["regexp_substr('hihihello', '(hi)*')", "hihi"],
  ["remainder(8, 3)", 2],
  ["replace('abcd', 'bc', 'x')", "axd"],
  ["replace('abcdabcd', 'b', 'x')", "axcdaxcd"],
  ["rpad('hello', 2)", "hello  "],
  ["rpad(1, 3)", "1   "],
  ["Round(1.2)", 1],
  ["Round(1.5)", 2],
  ["Round(1.7)", 2],
  ["Round(-1.1)", -1],
  ["Round(-1.5)", -2],
  ["rtrim(' h i ')", " h i"],
  ["sign(-7)", -1],
  ["sign(0)", 0],
  ["sign(13)", 1],
  ["sin(0)", 0],
  ["sinh(2.3)", 4.936961805545957],
  ["substring('012345', 0)", "012345"],
  ["substring('012345', 2)", "2345"],
  ["substring('012345', 2.745)", "2345"],
  ["substring(123, 2)", "3"],
  ["substring('012345', -1)", "012345"],
  ["substring(true, 1.2)", "rue"],
  ["substring(false, -2.411E247)", "false"],
  ["substring('012345', 1, 3)", "12"],
  ["substring('012345', -50, 50)", "012345"],
  ["substring('012345', 3, 1)", ""],
  ["sql_version()", "2016-03-23"],
  ["sqrt(9)", 3],
  ["startswith('ranger','ran')", true],
  ["tan(3)", -0.1425465430742778],
  ["tanh(2.3)", 0.9800963962661914],
  ["timestamp()", TIMESTAMP_MS],
  ["Trim(' hi ')", "hi"],
  ["trunc(2.3, 0)", 2],
  ["trunc(2.3123, 2)", 2.31],
  ["trunc(2.888, 2)", 2.88],
  ["trunc(2.00, 5)", 2],
  ["trunc(0.29, 2)", 0.29],
  ["upper('hello')", "HELLO"],
  ["upper(['hello'])", '["HELLO"]'],
  ["time_to_epoch('2020-04-03 09:45:18 UTC+01:00', 'yyyy-MM-dd HH:mm:ss VV')", 1585903518000],
  ["time_to_epoch('18 December 2015', 'dd MMMM yyyy')", 1450396800000],
  [
    "time_to_epoch('2007-12-03 10:15:30.592 America/Los_Angeles', 'yyyy-MM-dd HH:mm:ss.SSS z')",
    1196705730592,
  ],
  [
    `parse_time("yyyy.MM.dd G 'at' HH:mm:ss z", 100000000, "America/Belize")`,
    "1970.01.01 AD at 21:46:40 CST",
  ],
  [`parse_time("yyyy", timestamp(), "UTC")`, "2016"],
  ["traceid()", undefined],
]

describe("functions: the reference's examples", () => {
  it.each(examples)("%s = %j", (expression, expected) => {
    expect(expressionValue(expression)).toEqual(expected)
  })
})

describe("functions: topic()", () => {
  const topicOf = (expression: string, topic: string) =>
    output(`SELECT VALUE ${expression} FROM '#'`, {}, topic)
  it("returns the whole topic, or a 1-based level", () => {
    expect(topicOf("topic()", "things/myThings/thingOne")).toBe("things/myThings/thingOne")
    expect(topicOf("topic(1)", "things/myThings/thingOne")).toBe("things")
    expect(topicOf("topic(3)", "things/myThings/thingOne")).toBe("thingOne")
  })
  it("is Undefined outside the topic", () => {
    expect(topicOf("isUndefined(topic(4))", "a/b/c")).toBe(true)
    expect(topicOf("isUndefined(topic(0))", "a/b/c")).toBe(true)
  })
})

describe("functions: transform()", () => {
  const payload = { attributes: { data1: 1, data2: 2 }, values: [{ a: 3 }, { b: 4 }, { c: 5 }] }
  it("enriches every element with the object's attributes", () => {
    expect(
      output(`select value transform("enrichArray", attributes, values) from 'A/B'`, payload, "A/B"),
    ).toEqual([
      { a: 3, data1: 1, data2: 2 },
      { b: 4, data1: 1, data2: 2 },
      { c: 5, data1: 1, data2: 2 },
    ])
  })
  it("takes literals to include and rename attributes", () => {
    expect(
      output(
        `select value transform("enrichArray", {"key": attributes.data1}, values) from 'A/B'`,
        payload,
        "A/B",
      ),
    ).toEqual([
      { a: 3, key: 1 },
      { b: 4, key: 1 },
      { c: 5, key: 1 },
    ])
  })
  it("takes nested SELECTs as its object and array", () => {
    const nested = {
      data1: "example",
      data2: {
        a: "first attribute",
        b: "second attribute",
        c: [
          { x: { someInt: 5, someString: "hello" }, y: true },
          { x: { someInt: 10, someString: "world" }, y: false },
        ],
      },
    }
    const sql =
      "select value transform('enrichArray', (select a, b from data2), (select value c from data2)) from 'A/B'"
    expect(output(sql, nested, "A/B")).toEqual([
      { x: { someInt: 5, someString: "hello" }, y: true, a: "first attribute", b: "second attribute" },
      { x: { someInt: 10, someString: "world" }, y: false, a: "first attribute", b: "second attribute" },
    ])
  })
  it("is Undefined for any other mode", () => {
    expect(expressionValue("transform('other', {}, [])")).toBeUndefined()
  })
})

describe("functions: encode() and decode()", () => {
  it("decode reads base64 JSON as an addressable object", () => {
    const sql = `SELECT decode(encoded_temp,"base64").temperature AS temp from 'topic/subtopic'`
    expect(output(sql, { encoded_temp: "eyAidGVtcGVyYXR1cmUiOiAzMyB9Cg==" })).toEqual({ temp: 33 })
  })
  it("decode gives the text when it is not JSON, and Null when it is not base64", () => {
    expect(expressionValue("decode('aGVsbG8=', 'base64')")).toBe("hello")
    expect(expressionValue("isNull(decode('not base64!', 'base64'))")).toBe(true)
  })
  it("encode(*) encodes the payload as published", () => {
    expect(output("SELECT encode(*, 'base64') AS data FROM 'my_topic'", { a: 1 }, "my_topic")).toEqual({
      data: Buffer.from('{"a":1}').toString("base64"),
    })
  })
  it("encode of a value encodes its String conversion", () => {
    expect(expressionValue("encode('hi', 'base64')")).toBe("aGk=")
    expect(expressionValue("encode('hi', 'base32')")).toBeUndefined()
  })
})

describe("functions: argument conversions and errors", () => {
  const rows: Array<[string, unknown]> = [
    ["upper(NULL)", undefined],
    ["length(nothing)", undefined],
    ["startswith(NULL, 'a')", undefined],
    ["substring('abc', 'x')", undefined],
    ["round('2.5')", 3],
    ["floor('x')", undefined],
    ["sqrt(-1)", undefined],
    ["ln(0)", undefined],
    ["lpad('a', 5000)", `${" ".repeat(1000)}a`],
    ["lpad('a', -3)", "a"],
    ["regexp_matches('abc', '(')", undefined],
    ["regexp_matches('ABC', '(?i)abc')", true],
    ["regexp_replace('a.b', '\\.', '-')", "a-b"],
    ["regexp_replace('price 5', '(\\d)', '\\$$1')", "price $5"],
    ["replace('a$b', '$', '$$')", "a$$b"],
    ["get([1, 2], 'x')", undefined],
    ["get({'a': 1}, 1)", undefined],
    ["sha256('hello')", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"],
    ["sha1('hello')", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"],
    ["cast('12.9' AS Int)", 12],
    ["cast(-1.5 AS Int)", -1],
    ["cast(0 AS Boolean)", false],
    ["cast('TRUE' AS Bool)", true],
    ["cast([1, 'a'] AS String)", '[1,"a"]'],
    ["cast(NULL AS String)", undefined],
    // "With SQL V2 (2016-03-23), numeric values that are whole numbers … return an Int value".
    ["cast(1 AS Decimal) / 2", 0],
    ["upper('x', 'y')", undefined],
  ]
  it.each(rows)("%s = %j", (expression, expected) => {
    expect(expressionValue(expression)).toEqual(expected)
  })
})

describe("functions: SQL version 2015-10-08", () => {
  it("a whole number cast to Double stays a Decimal", () => {
    expect(expressionValue("cast(1 AS Double) / 2", {}, "2015-10-08")).toBe(0.5)
  })
  it("sql_version() names the rule's version", () => {
    expect(expressionValue("sql_version()", {}, "2015-10-08")).toBe("2015-10-08")
  })
})

describe("functions: compile errors", () => {
  it("an unknown function is an error naming it, at its position", () => {
    const result = compileRule("SELECT foo(x) AS y FROM 'a'")
    expect(result).toMatchObject({
      ok: false,
      error: { line: 1, column: 8, message: "unknown function 'foo'" },
    })
  })
  it("functions that call AWS services are errors that say why", () => {
    const result = compileRule("SELECT aws_lambda('arn', *) AS y FROM 'a'")
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.error.message).toMatch(/aws_lambda\(\) is not available locally: it invokes/)
  })
  it("functions of 2016-03-23 are errors in a 2015-10-08 rule", () => {
    const result = compileRule("SELECT length(x) AS n FROM 'a'", { sqlVersion: "2015-10-08" })
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.error.message).toBe(
        "function length() needs SQL version 2016-03-23 (this rule uses 2015-10-08)",
      )
  })
  it("an unknown cast type is an error listing the known ones", () => {
    const result = compileRule("SELECT cast(x AS Float) AS n FROM 'a'")
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.error.message).toMatch(/unknown type 'Float' in cast \(expected one of string,/)
  })
})
