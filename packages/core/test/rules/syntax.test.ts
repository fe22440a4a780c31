/**
 * The syntax layer: what parses (and to what), and where and how a bad statement is reported.
 */
import { describe, expect, it } from "vitest"
import { compileRule, parseStatement, printStatement, type SqlError } from "../../src/rules/index.ts"
import { output } from "./helpers.ts"

const errorOf = (sql: string, sqlVersion: "2015-10-08" | "2016-03-23" = "2016-03-23"): SqlError => {
  const result = compileRule(sql, { sqlVersion })
  if (result.ok) throw new Error(`expected a compile error for ${sql}`)
  return result.error
}

describe("syntax errors say where and what was expected", () => {
  const cases: Array<[string, number, number, string]> = [
    ["SELECT FROM 'a'", 1, 8, "expected an expression or '*' to select, found 'FROM'"],
    ["SELECT a 'a'", 1, 10, "expected FROM or ',' after the selected items, found the string 'a'"],
    ["SELECT a FROM a/b", 1, 15, "expected a quoted topic filter after FROM, such as 'data/+', found 'a'"],
    ["SELECT a FROM 'a' WHERE", 1, 24, "expected an expression, found the end of the statement"],
    ["SELECT a FROM 'a' WHERE b = 1 c", 1, 31, "expected an operator or the end of the statement, found 'c'"],
    ["SELECT a FROM 'a' ORDER BY a", 1, 19, "expected WHERE, found 'ORDER'"],
    [
      "SELECT a FROM 'a' WHERE x != 1",
      1,
      27,
      "expected an operator or the end of the statement, found '!=' (IoT SQL writes 'not equal' as <>)",
    ],
    ["SELECT (a FROM 'a'", 1, 11, "expected ')' or an operator, found 'FROM'"],
    ["SELECT f(a, FROM 'a'", 1, 13, "expected an expression, found 'FROM'"],
    ["SELECT [1, 2 FROM 'a'", 1, 14, "expected ',' or ']', found 'FROM'"],
    ["SELECT {a: 1} FROM 'a'", 1, 9, "expected a quoted key in the object literal, found 'a'"],
    [
      "SELECT CASE WHEN a THEN b END FROM 'a'",
      1,
      13,
      "expected the value to compare after CASE (CASE v WHEN … THEN … END), found 'WHEN'",
    ],
    [
      "SELECT CASE a ELSE b END FROM 'a'",
      1,
      15,
      "expected WHEN (a CASE needs at least one WHEN), found 'ELSE'",
    ],
    ["SELECT CASE a WHEN 1 THEN 2 FROM 'a'", 1, 29, "expected WHEN, ELSE or END, found 'FROM'"],
    ["SELECT cast(a Int) FROM 'a'", 1, 15, "expected AS and a type in cast(value AS type), found 'Int'"],
    ["SELECT a.1 FROM 'a'", 1, 10, "expected a field name after '.', found the number 1"],
    ["SELECT a FROM 'unterminated", 1, 15, "unterminated string: missing closing '"],
    ["SELECT `a` FROM 'a'", 1, 8, "unexpected character '`' (IoT SQL quotes strings with ' or \")"],
    ["SELECT a FROM 'a';", 1, 18, "unexpected character ';' (a rule is a single statement, without ';')"],
    ["SELECT a FROM 'a/#/b'", 1, 15, "'#' must be a whole level and the last one (as in 'data/#')"],
    ["SELECT a FROM 'a/b+'", 1, 15, "'+' must be a whole level (as in 'data/+/temperature')"],
    ["SELECT a FROM ''", 1, 15, "a topic filter cannot be empty"],
    [
      "SELECT a AS FROM",
      1,
      17,
      "expected FROM or ',' after the selected items, found the end of the statement",
    ],
    ["", 1, 1, "expected SELECT, found the end of the statement"],
    ["UPDATE x", 1, 1, "expected SELECT, found 'UPDATE'"],
    [
      "SELECT a FROM 'a' WHERE (SELECT a FROM b WHERE c",
      1,
      49,
      "expected ')' to close the nested SELECT, found the end of the statement",
    ],
  ]
  it.each(cases)("%s → %i:%i %s", (sql, line, column, message) => {
    expect(errorOf(sql)).toMatchObject({ line, column, message })
  })

  it("counts lines and columns across newlines", () => {
    expect(errorOf("SELECT a,\n  b\nFROM 'x'\nWHERE c = = 1")).toMatchObject({
      line: 4,
      column: 11,
      message: "expected an expression, found '='",
    })
  })

  it("reports compile errors at the construct", () => {
    expect(errorOf("SELECT a FROM 'x' WHERE b IN [1, 2]", "2015-10-08")).toMatchObject({
      line: 1,
      column: 30,
      message: "an array literal needs SQL version 2016-03-23 (this rule uses 2015-10-08)",
    })
    expect(errorOf("SELECT cast(a AS Bool) FROM 'x'", "2015-10-08").message).toBe(
      "cast to Bool needs SQL version 2016-03-23 (this rule uses 2015-10-08)",
    )
  })

  it("a statement nested beyond the stack is an error, not an exception", () => {
    const deep = `SELECT ${"(".repeat(20000)}1${")".repeat(20000)} FROM 'a'`
    expect(errorOf(deep).message).toBe("statement nested too deeply")
  })
})

describe("what parses", () => {
  it("keywords are case-insensitive, field names are not", () => {
    expect(
      output(
        "select Color as c from 'a' where TEMP > 1 and not false",
        { Color: "red", TEMP: 2, color: "x" },
        "a",
      ),
    ).toEqual({
      c: "red",
    })
  })
  it("strings take single or double quotes, doubling the quote to escape it", () => {
    expect(output(`SELECT 'o''brien' AS a, "say ""hi""" AS b, '\\d' AS c FROM 'a'`, {}, "a")).toEqual({
      a: "o'brien",
      b: 'say "hi"',
      c: "\\d",
    })
  })
  it("the FROM filter may be double-quoted", () => {
    expect(output(`SELECT * FROM "topic/subtopic" WHERE startswith("ranger", "ran")`, { a: 1 })).toEqual({
      a: 1,
    })
  })
  it("VALUE is a keyword only before an expression", () => {
    expect(output("SELECT value FROM 'a'", { value: 3 }, "a")).toEqual({ value: 3 })
    expect(output("SELECT value, x FROM 'a'", { value: 3, x: 1 }, "a")).toEqual({ value: 3, x: 1 })
    expect(output("SELECT value * 2 AS v FROM 'a'", { value: 3 }, "a")).toEqual({ v: 6 })
    expect(output("SELECT VALUE value FROM 'a'", { value: 3 }, "a")).toBe(3)
  })
  it("functions and field names may share a name (timestamp is not reserved)", () => {
    expect(output("SELECT timestamp, timestamp() AS now FROM 'a'", { timestamp: 5 }, "a")).toEqual({
      timestamp: 5,
      now: 1481825251155,
    })
  })
  it("numbers: ints, decimals, exponents", () => {
    expect(output("SELECT 12 AS a, 1.5 AS b, 5E-1 AS c, 2e2 AS d FROM 'a'", {}, "a")).toEqual({
      a: 12,
      b: 1.5,
      c: 0.5,
      d: 200,
    })
  })
  it("unnamed items are named after their field or function, else by position", () => {
    expect(
      output("SELECT a.b, upper(c), 1 + 1, cast(1 AS String) FROM 'a'", { a: { b: 1 }, c: "x" }, "a"),
    ).toEqual({
      b: 1,
      upper: "X",
      _3: 2,
      _4: "1",
    })
  })
  it("prints a parsed statement back", () => {
    const parsed = parseStatement("select a as b, (1+2)*3 from 'x/+' where not c in [1,2] or d.e <> 'f''g'")
    expect(parsed.ok && printStatement(parsed.value)).toBe(
      "SELECT a AS b, (1 + 2) * 3 FROM 'x/+' WHERE NOT c IN [1, 2] OR d.e <> 'f''g'",
    )
  })
})
