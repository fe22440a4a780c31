/**
 * Decimal arithmetic that gives IoT Core's answers for everyday numbers.
 *
 * IoT Core computes Decimals with 34-digit BigDecimals, so `20.1 * 1.8` is exactly `36.18`;
 * doubles give `36.18000000000001`. The exact result of `+`, `-` and `*` has a known number of
 * decimal places (the larger of the operands' for `+`/`-`, their sum for `*`), so rounding the
 * double result to that many places recovers it whenever it fits in a double's ~15 significant
 * digits — which covers sensor readings. Beyond that (or past 20 places) the double result is
 * returned as is. Division has no such bound and stays a correctly rounded double.
 */
import { WholeDecimal } from "./sqlValue.ts"

/** Decimal places of the shortest decimal form of `x` (`1.25` → 2, `1e-7` → 7, `3` → 0). */
export const decimalPlaces = (x: number): number => {
  if (Number.isInteger(x)) return 0
  const text = String(x)
  const e = text.indexOf("e")
  if (e < 0) {
    const dot = text.indexOf(".")
    return dot < 0 ? 0 : text.length - dot - 1
  }
  const mantissa = text.slice(0, e)
  const dot = mantissa.indexOf(".")
  const mantissaPlaces = dot < 0 ? 0 : mantissa.length - dot - 1
  return Math.max(0, mantissaPlaces - Number(text.slice(e + 1)))
}

const MAX_EXACT_PLACES = 20

const roundedTo = (result: number, places: number): number =>
  places === 0 || places > MAX_EXACT_PLACES || !Number.isFinite(result)
    ? result
    : Number(result.toFixed(places))

export const decimalAdd = (a: number, b: number): number =>
  roundedTo(a + b, Math.max(decimalPlaces(a), decimalPlaces(b)))

export const decimalSubtract = (a: number, b: number): number =>
  roundedTo(a - b, Math.max(decimalPlaces(a), decimalPlaces(b)))

export const decimalMultiply = (a: number, b: number): number =>
  roundedTo(a * b, decimalPlaces(a) + decimalPlaces(b))

/** NaN for division by zero (the caller turns non-finite results into Undefined). */
export const decimalDivide = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b)

/** Remainder with the sign of the dividend (Java's and SQL's), exact for short decimals. */
export const decimalRemainder = (a: number, b: number): number => {
  if (b === 0) return Number.NaN
  const places = Math.max(decimalPlaces(a), decimalPlaces(b))
  if (places > 0 && places <= 15) {
    const scale = 10 ** places
    const scaledA = Math.round(a * scale)
    const scaledB = Math.round(b * scale)
    if (Number.isSafeInteger(scaledA) && Number.isSafeInteger(scaledB)) return (scaledA % scaledB) / scale + 0
  }
  return (a % b) + 0
}

/** `x` in positional notation, never with an exponent (`1e-7` → `0.0000001`). */
export const plainDecimalText = (x: number): string => {
  const text = String(Math.abs(x))
  const sign = x < 0 ? "-" : ""
  const e = text.indexOf("e")
  if (e < 0) return sign + text
  const mantissa = text.slice(0, e)
  const dot = mantissa.indexOf(".")
  const digits = mantissa.replace(".", "")
  const point = (dot < 0 ? mantissa.length : dot) + Number(text.slice(e + 1))
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length)
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/** An Int as IoT prints it: plain digits, however large. */
export const intText = (n: number): string => (Math.abs(n) < 1e21 ? String(n + 0) : BigInt(n).toString())

/** A Decimal as IoT (Java's BigDecimal) prints it: scientific notation with a capital E when small or large. */
export const decimalText = (value: number | WholeDecimal): string => {
  if (value instanceof WholeDecimal) return `${intText(WholeDecimal.unbox(value))}.0`
  return String(value).replace("e", "E")
}
