/**
 * Typed equality, as the `=` and `<>` operators define it.
 *
 * Undefined on either side gives Undefined. Int and Decimal compare as numbers (an Int is
 * converted to Decimal); any other mismatch of types is simply unequal, with no conversion —
 * `'1' = 1` is false. Arrays are equal item by item in order, objects key by key in any order,
 * with the same rule applied inside. Null equals Null.
 */
import { type SqlValue, WholeDecimal } from "./sqlValue.ts"

const numeric = (value: SqlValue): number | undefined =>
  typeof value === "number" ? value : value instanceof WholeDecimal ? WholeDecimal.unbox(value) : undefined

/** Deep equality of two defined values under the `=` rules. */
const same = (a: SqlValue, b: SqlValue): boolean => {
  if (a === b) return typeof a !== "number" || !Number.isNaN(a)
  const x = numeric(a)
  if (x !== undefined) return x === numeric(b)
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b) || b instanceof WholeDecimal) return false
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false
    return a.every((byte, i) => byte === b[i])
  }
  const left = a as Record<string, SqlValue>
  const right = b as Record<string, SqlValue>
  const keys = Object.keys(left)
  if (keys.length !== Object.keys(right).length) return false
  for (const key of keys) {
    if (!Object.hasOwn(right, key) || !same(left[key], right[key])) return false
  }
  return true
}

/** `a = b`: true, false, or undefined when either side is Undefined. */
export const sqlEquals = (a: SqlValue, b: SqlValue): boolean | undefined =>
  a === undefined || b === undefined ? undefined : same(a, b)
