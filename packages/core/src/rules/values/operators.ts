/**
 * The operators of AWS IoT SQL, following the reference's operand tables.
 *
 * - `+` concatenates when either side is a String (the other is converted; Null/Undefined give
 *   Undefined); Int + Int stays Int; any Decimal makes a Decimal.
 * - `- * / %` convert numeric Strings to Decimal; Int op Int stays Int (`7 / 2` is 3, truncated
 *   toward zero; `%` keeps the dividend's sign); division or remainder by zero is Undefined.
 * - `> >= < <=` convert both sides to Decimal; anything unconvertible gives Undefined.
 * - `AND OR NOT` take Booleans or the strings "true"/"false"; any other operand gives Undefined —
 *   on either side, even when the other side alone would decide (the reference's tables have no
 *   short-circuit row, so `false AND Undefined` is Undefined).
 * - `IN` is true when the left value equals (`=`) an element of the right-hand Array.
 */
import { toBooleanValue, toDecimalNumber, toStringValue } from "./conversions.ts"
import {
  decimalAdd,
  decimalDivide,
  decimalMultiply,
  decimalRemainder,
  decimalSubtract,
} from "./decimalArithmetic.ts"
import { sqlEquals } from "./equality.ts"
import { type Numerics, type SqlValue, WholeDecimal } from "./sqlValue.ts"

export type BinaryFunction = (a: SqlValue, b: SqlValue, num: Numerics) => SqlValue

const bothInts = (a: SqlValue, b: SqlValue): boolean =>
  typeof a === "number" && typeof b === "number" && Number.isInteger(a) && Number.isInteger(b)

/** Runs an arithmetic operator: `ints` when both sides are Ints, else `decimals` on converted operands. */
const arithmetic =
  (
    ints: (a: number, b: number) => number | undefined,
    decimals: (a: number, b: number) => number,
  ): BinaryFunction =>
  (a, b, num) => {
    if (bothInts(a, b)) return ints(a as number, b as number)
    const x = toDecimalNumber(a)
    if (x === undefined) return undefined
    const y = toDecimalNumber(b)
    return y === undefined ? undefined : num.decimal(decimals(x, y))
  }

const safeInt = (n: number): number | undefined => (Number.isFinite(n) ? n + 0 : undefined)

export const add: BinaryFunction = (a, b, num) => {
  if (typeof a === "number" && typeof b === "number") {
    return Number.isInteger(a) && Number.isInteger(b) ? safeInt(a + b) : num.decimal(decimalAdd(a, b))
  }
  if (typeof a === "string" || typeof b === "string") {
    const left = toStringValue(a)
    const right = left === undefined ? undefined : toStringValue(b)
    return right === undefined ? undefined : (left as string) + right
  }
  if (typeof a === "boolean" || typeof b === "boolean") return undefined
  const x = a instanceof WholeDecimal ? WholeDecimal.unbox(a) : typeof a === "number" ? a : undefined
  const y = b instanceof WholeDecimal ? WholeDecimal.unbox(b) : typeof b === "number" ? b : undefined
  return x === undefined || y === undefined ? undefined : num.decimal(decimalAdd(x, y))
}

export const subtract = arithmetic((a, b) => safeInt(a - b), decimalSubtract)
export const multiply = arithmetic((a, b) => safeInt(a * b), decimalMultiply)
export const divide = arithmetic((a, b) => (b === 0 ? undefined : Math.trunc(a / b) + 0), decimalDivide)
export const remainder = arithmetic((a, b) => (b === 0 ? undefined : (a % b) + 0), decimalRemainder)

const ordering =
  (test: (a: number, b: number) => boolean): BinaryFunction =>
  (a, b) => {
    const x = typeof a === "number" ? a : toDecimalNumber(a)
    if (x === undefined) return undefined
    const y = typeof b === "number" ? b : toDecimalNumber(b)
    return y === undefined ? undefined : test(x, y)
  }

export const lessThan = ordering((a, b) => a < b)
export const lessOrEqual = ordering((a, b) => a <= b)
export const greaterThan = ordering((a, b) => a > b)
export const greaterOrEqual = ordering((a, b) => a >= b)

export const equals: BinaryFunction = (a, b) => sqlEquals(a, b)
export const notEquals: BinaryFunction = (a, b) => {
  const same = sqlEquals(a, b)
  return same === undefined ? undefined : !same
}

export const and: BinaryFunction = (a, b) => {
  const x = toBooleanValue(a)
  const y = toBooleanValue(b)
  return x === undefined || y === undefined ? undefined : x && y
}

export const or: BinaryFunction = (a, b) => {
  const x = toBooleanValue(a)
  const y = toBooleanValue(b)
  return x === undefined || y === undefined ? undefined : x || y
}

export const isIn: BinaryFunction = (a, b) => {
  if (a === undefined || !Array.isArray(b)) return undefined
  for (const item of b) if (sqlEquals(a, item) === true) return true
  return false
}

export const not = (a: SqlValue): SqlValue => {
  const x = toBooleanValue(a)
  return x === undefined ? undefined : !x
}

export const negate = (a: SqlValue, num: Numerics): SqlValue => {
  if (typeof a === "number") return Number.isInteger(a) ? 0 - a : num.decimal(-a)
  if (a instanceof WholeDecimal) return num.decimal(-WholeDecimal.unbox(a))
  const x = toDecimalNumber(a)
  return x === undefined ? undefined : num.decimal(-x)
}

export const BINARY_OPERATORS: Readonly<Record<string, BinaryFunction>> = {
  "+": add,
  "-": subtract,
  "*": multiply,
  "/": divide,
  "%": remainder,
  "<": lessThan,
  "<=": lessOrEqual,
  ">": greaterThan,
  ">=": greaterOrEqual,
  "=": equals,
  "<>": notEquals,
  AND: and,
  OR: or,
  IN: isIn,
}
