/**
 * `cast(value AS type)`: the standard conversions, plus numbers to and from Booleans.
 *
 * Type keywords are case-insensitive: String, Nvarchar, Text, Ntext, Varchar and Int, Integer,
 * Double in every SQL version; Decimal, Bool and Boolean from 2016-03-23. Casting to Int
 * truncates toward zero; true/false cast to 1/0 (and 1.0/0.0 as Decimals); numbers cast to
 * Boolean are true unless zero. Null and anything without a rule cast to Undefined.
 */
import { toBooleanValue, toDecimalNumber, toStringValue } from "./conversions.ts"
import { type Numerics, type SqlValue, type SqlVersion, WholeDecimal } from "./sqlValue.ts"

export type CastTarget = "string" | "int" | "decimal" | "boolean"

const TARGETS: Readonly<Record<string, { target: CastTarget; since: SqlVersion }>> = {
  string: { target: "string", since: "2015-10-08" },
  nvarchar: { target: "string", since: "2015-10-08" },
  text: { target: "string", since: "2015-10-08" },
  ntext: { target: "string", since: "2015-10-08" },
  varchar: { target: "string", since: "2015-10-08" },
  int: { target: "int", since: "2015-10-08" },
  integer: { target: "int", since: "2015-10-08" },
  double: { target: "decimal", since: "2015-10-08" },
  decimal: { target: "decimal", since: "2016-03-23" },
  bool: { target: "boolean", since: "2016-03-23" },
  boolean: { target: "boolean", since: "2016-03-23" },
}

/** The cast target a type keyword names, with the first SQL version that has it. */
export const castTarget = (keyword: string): { target: CastTarget; since: SqlVersion } | undefined =>
  TARGETS[keyword.toLowerCase()]

export const CAST_KEYWORDS = Object.keys(TARGETS)

const numeric = (value: SqlValue): number | undefined =>
  typeof value === "number"
    ? Number.isFinite(value)
      ? value
      : undefined
    : value instanceof WholeDecimal
      ? WholeDecimal.unbox(value)
      : undefined

export const castValue = (value: SqlValue, target: CastTarget, num: Numerics): SqlValue => {
  switch (target) {
    case "string":
      return toStringValue(value)
    case "int": {
      if (typeof value === "boolean") return value ? 1 : 0
      const n = toDecimalNumber(value)
      return n === undefined ? undefined : Math.trunc(n) + 0
    }
    case "decimal": {
      if (typeof value === "boolean") return num.decimal(value ? 1 : 0)
      const n = toDecimalNumber(value)
      return n === undefined ? undefined : num.decimal(n)
    }
    case "boolean": {
      const n = numeric(value)
      return n === undefined ? toBooleanValue(value) : n !== 0
    }
  }
}
