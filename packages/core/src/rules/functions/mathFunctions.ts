/**
 * Numeric functions: abs, ceil, floor, round, sign, trunc, mod/remainder, power, sqrt, exp,
 * ln, log, the trigonometric and hyperbolic functions, the bit functions, nanvl and rand.
 *
 * Arguments go through the standard conversion to Decimal (numeric Strings count; Booleans and
 * Null do not). Functions the reference says work in double precision return Decimals, which
 * in SQL version 2016-03-23 print as Ints when whole (`power(2, 5)` = 32). Non-finite results —
 * `sqrt(-1)`, `ln(0)` — are Undefined, as the reference says of imaginary results. `round` goes
 * half away from zero, as the reference's examples show (`round(-1.5)` = -2). `bitnot` follows
 * the reference's example (`bitnot(13)` = 2): it flips the bits of the number's own width.
 */
import { toDecimalNumber } from "../values/conversions.ts"
import { plainDecimalText } from "../values/decimalArithmetic.ts"
import { remainder } from "../values/operators.ts"
import { numberOf, type SqlValue } from "../values/sqlValue.ts"
import { define, type FunctionDefinition, V1 } from "./definition.ts"

const isInt = (value: SqlValue): value is number => typeof value === "number" && Number.isInteger(value)

const double = (f: (x: number) => number): FunctionDefinition =>
  define(V1, 1, 1, ([a], _env, num) => {
    const x = toDecimalNumber(a)
    return x === undefined ? undefined : num.decimal(f(x))
  })

const double2 = (f: (x: number, y: number) => number): FunctionDefinition =>
  define(V1, 2, 2, ([a, b], _env, num) => {
    const x = toDecimalNumber(a)
    const y = x === undefined ? undefined : toDecimalNumber(b)
    return y === undefined ? undefined : num.decimal(f(x as number, y))
  })

/** Int in, the same Int out; Decimals and numeric Strings go through `f` to an Int. */
const toInt = (f: (x: number) => number): FunctionDefinition =>
  define(V1, 1, 1, ([a]) => {
    if (isInt(a)) return a
    const x = toDecimalNumber(a)
    return x === undefined ? undefined : f(x) + 0
  })

const roundHalfAwayFromZero = (x: number): number => Math.sign(x) * Math.round(Math.abs(x))

const truncate = (x: number, places: number): number => {
  const text = plainDecimalText(x)
  const dot = text.indexOf(".")
  return dot < 0 ? x : Number(places === 0 ? text.slice(0, dot) : text.slice(0, dot + 1 + places))
}

const bits =
  (op: (a: bigint, b: bigint) => bigint) =>
  ([a, b]: ReadonlyArray<SqlValue>): SqlValue => {
    const x = toDecimalNumber(a)
    const y = toDecimalNumber(b)
    if (x === undefined || y === undefined) return undefined
    return Number(op(BigInt(Math.floor(x)), BigInt(Math.floor(y))))
  }

export const mathFunctions: Readonly<Record<string, FunctionDefinition>> = {
  abs: define(V1, 1, 1, ([a], _env, num) => {
    if (isInt(a)) return Math.abs(a)
    const x = toDecimalNumber(a)
    return x === undefined ? undefined : num.decimal(Math.abs(x))
  }),
  ceil: toInt(Math.ceil),
  floor: toInt(Math.floor),
  round: toInt(roundHalfAwayFromZero),
  sign: define(V1, 1, 1, ([a]) => {
    const x = toDecimalNumber(a)
    return x === undefined ? undefined : Math.sign(x) + 0
  }),
  trunc: define(V1, 2, 2, ([a, b], _env, num) => {
    const places = numberOf(b)
    if (places === undefined) return undefined
    if (isInt(a) && isInt(b)) return a
    const x = toDecimalNumber(a)
    if (x === undefined) return undefined
    return num.decimal(truncate(x, Math.min(34, Math.max(0, Math.floor(places)))))
  }),
  mod: define(V1, 2, 2, ([a, b], _env, num) => remainder(a, b, num)),
  remainder: define(V1, 2, 2, ([a, b], _env, num) => remainder(a, b, num)),
  power: double2(Math.pow),
  atan2: double2(Math.atan2),
  sqrt: double(Math.sqrt),
  exp: double(Math.exp),
  ln: double(Math.log),
  log: double(Math.log10),
  sin: double(Math.sin),
  cos: double(Math.cos),
  tan: double(Math.tan),
  asin: double(Math.asin),
  acos: double(Math.acos),
  atan: double(Math.atan),
  sinh: double(Math.sinh),
  cosh: double(Math.cosh),
  tanh: double(Math.tanh),
  bitand: define(
    V1,
    2,
    2,
    bits((a, b) => a & b),
  ),
  bitor: define(
    V1,
    2,
    2,
    bits((a, b) => a | b),
  ),
  bitxor: define(
    V1,
    2,
    2,
    bits((a, b) => a ^ b),
  ),
  bitnot: define(V1, 1, 1, ([a]) => {
    const x = toDecimalNumber(a)
    if (x === undefined) return undefined
    const n = BigInt(Math.floor(x))
    if (n < 0n) return Number(~n)
    const width = BigInt(Math.max(1, n.toString(2).length))
    return Number(~n & ((1n << width) - 1n))
  }),
  nanvl: define(V1, 2, 2, ([a, b]) => (a === undefined || a === null || Number.isNaN(a) ? b : a)),
  rand: define(V1, 0, 0, (_args, env) => {
    if (env.context.random) return env.context.random()
    // Reproducible without a random source: the first 52 bits of a fresh uuid, as a fraction.
    const hex = env.context.newUuid().replaceAll("-", "").slice(0, 13).padEnd(13, "0")
    const n = Number.parseInt(hex, 16)
    return Number.isFinite(n) ? n / 2 ** 52 : 0
  }),
}
