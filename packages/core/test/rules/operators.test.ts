/**
 * The operator tables of the AWS IoT SQL "Operators" page and the "Data types → Conversions"
 * tables, row by row, plus the decimal-arithmetic guarantee (`20.1 * 1.8` is `36.18`).
 */
import { describe, expect, it } from "vitest"
import { expressionValue } from "./helpers.ts"

const table = (name: string, rows: Array<[string, unknown]>) =>
  describe(name, () => {
    it.each(rows)("%s → %j", (expression, expected) => {
      expect(expressionValue(expression, { t: true, s: "str", n: null, arr: [1, 2], obj: { a: 1 } })).toEqual(
        expected,
      )
    })
  })

table("AND / OR / NOT", [
  ["true AND true", true],
  ["true AND false", false],
  ["'TRUE' AND 'true'", true],
  ["'true' AND false", false],
  ["true AND 1", undefined],
  ["false AND missing", undefined],
  ["true OR false", true],
  ["'false' OR 'FALSE'", false],
  ["true OR missing", undefined],
  ["NOT false", true],
  ["NOT 'True'", false],
  ["NOT 0", undefined],
  ["NOT missing", undefined],
])

table("comparisons convert to Decimal", [
  ["3 > 2", true],
  ["2.5 >= 2.5", true],
  ["'10' > 9", true],
  ["'10' < '9'", false],
  ["'abc' > 1", undefined],
  ["true > false", undefined],
  ["missing < 1", undefined],
  ["n < 1", undefined],
  ["'1e3' > 999", true],
  ["'+5' > 1", undefined],
  ["'.5' > 0", undefined],
])

table("= and <> are typed", [
  ["1 = 1", true],
  ["1 = 1.0", true],
  ["'1' = 1", false],
  ["'1' <> 1", true],
  ["true = 'true'", false],
  ["n = NULL", true],
  ["NULL <> NULL", false],
  ["[1, 2] = arr", true],
  ["[2, 1] = arr", false],
  ["{'a': 1} = obj", true],
  ["{'a': 1.0} = obj", true],
  ["missing = 1", undefined],
  ["missing <> 1", undefined],
  ["'a' = 'a'", true],
])

table("+ adds or concatenates", [
  ["1 + 2", 3],
  ["1 + 2.5", 3.5],
  ["'a' + 1", "a1"],
  ["1 + 'a'", "1a"],
  ["'1' + 1", "11"],
  ["'a' + [1]", "a[1]"],
  ["'a' + NULL", undefined],
  ["'a' + missing", undefined],
  ["true + 1", undefined],
  ["0.1 + 0.2", 0.3],
])

table("- * / % convert numeric Strings", [
  ["7 - 10", -3],
  ["'7' - 2", 5],
  ["'x' - 2", undefined],
  ["6 * 7", 42],
  ["20.1 * 1.8", 36.18],
  ["'3' * '4'", 12],
  ["7 / 2", 3],
  ["-7 / 2", -3],
  ["7.0 / 2", 3],
  ["7.5 / 2", 3.75],
  ["'7' / 2", 3.5],
  ["1 / 0", undefined],
  ["1.5 / 0", undefined],
  ["7 % 3", 1],
  ["-7 % 3", -1],
  ["7.5 % 2", 1.5],
  ["0.3 % 0.1", 0],
  ["5 % 0", undefined],
  ["-s", undefined],
  ["-'2.5'", -2.5],
  ["- -3", 3],
])

table("precedence", [
  ["1 + 2 * 3", 7],
  ["(1 + 2) * 3", 9],
  ["10 - 4 - 3", 3],
  ["2 * 3 % 4", 2],
  ["NOT 1 = 2", true],
  ["true OR false AND false", true],
  ["(true OR false) AND false", false],
  ["1 < 2 = true", true],
  ["-2 * -3", 6],
])

table("IN", [
  ["3 IN [1, 2, 3]", true],
  ["'3' IN [1, 2, 3]", false],
  ["[1] IN [[1], 2]", true],
  ["1 IN 'abc'", undefined],
  ["missing IN [1]", undefined],
])

table("member access", [
  ["obj.a", 1],
  ["obj.a.b", undefined],
  ["arr.length", undefined],
  ["s.length", undefined],
  ["obj.constructor", undefined],
  ["obj.toString", undefined],
  ["{'a': {'b': 2}}.a.b", 2],
])
