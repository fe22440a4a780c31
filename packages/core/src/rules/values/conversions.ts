/**
 * The standard conversions of the AWS IoT SQL reference ("Data types → Conversions").
 *
 * Functions and operators that receive a value of the wrong type convert it with these rules;
 * a conversion that cannot succeed gives Undefined (here: `undefined`). Notably a String becomes
 * a Decimal only if it matches `^-?\d+(\.\d+)?((?i)E-?\d+)?$` (no `+`, no `.5`), Booleans never
 * become numbers implicitly, Null never becomes a String, and Arrays and Objects become their
 * JSON text. Conversion to Int truncates toward zero (the reference's `substring(…, 2.745)`
 * example relies on it).
 */
import { decimalText, intText } from "./decimalArithmetic.ts"
import { isPlainObject, type SqlValue, WholeDecimal } from "./sqlValue.ts"

const DECIMAL_STRING = /^-?\d+(\.\d+)?([eE]-?\d+)?$/

/** Int, Decimal or a numeric String as a number; undefined otherwise. */
export const toDecimalNumber = (value: SqlValue): number | undefined => {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined
  if (typeof value === "string") {
    if (!DECIMAL_STRING.test(value)) return undefined
    const n = Number(value)
    return Number.isFinite(n) ? n : undefined
  }
  return value instanceof WholeDecimal ? WholeDecimal.unbox(value) : undefined
}

/** As `toDecimalNumber`, truncated to an integer. */
export const toIntNumber = (value: SqlValue): number | undefined => {
  const n = toDecimalNumber(value)
  return n === undefined ? undefined : Math.trunc(n) + 0
}

/** Booleans, and the strings "true"/"false" in any case; undefined otherwise. */
export const toBooleanValue = (value: SqlValue): boolean | undefined => {
  if (typeof value === "boolean") return value
  if (typeof value === "string") {
    if (value.length === 4 && value.toLowerCase() === "true") return true
    if (value.length === 5 && value.toLowerCase() === "false") return false
  }
  return undefined
}

/** JSON text written by hand, for values holding boxed Decimals (JSON.stringify cannot print `10.0`). */
const boxedJsonText = (value: SqlValue): string | undefined => {
  if (value instanceof WholeDecimal) return decimalText(value)
  if (Array.isArray(value)) return `[${value.map((item) => boxedJsonText(item) ?? "null").join(",")}]`
  if (isPlainObject(value)) {
    const fields: string[] = []
    for (const key of Object.keys(value)) {
      const text = boxedJsonText(value[key])
      if (text !== undefined) fields.push(`${JSON.stringify(key)}:${text}`)
    }
    return `{${fields.join(",")}}`
  }
  return JSON.stringify(value)
}

/** JSON text of a value; boxed Decimals print as `10.0`, as IoT serialises them. */
export const jsonText = (value: SqlValue): string | undefined => {
  let boxed = false
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof WholeDecimal) {
        boxed = true
        return WholeDecimal.unbox(v)
      }
      if (typeof v === "bigint") return Number(v)
      if (v instanceof Uint8Array) return undefined
      return v
    })
    return boxed ? boxedJsonText(value) : text
  } catch {
    // Nested beyond the stack: no String conversion.
    return undefined
  }
}

/** The standard conversion to String; undefined for Null, Undefined and binary data. */
export const toStringValue = (value: SqlValue): string | undefined => {
  switch (typeof value) {
    case "string":
      return value
    case "number":
      if (!Number.isFinite(value)) return undefined
      return Number.isInteger(value) ? intText(value) : decimalText(value)
    case "boolean":
      return value ? "true" : "false"
    case "object":
      if (value === null || value instanceof Uint8Array) return undefined
      if (value instanceof WholeDecimal) return decimalText(value)
      return jsonText(value)
    default:
      return undefined
  }
}
