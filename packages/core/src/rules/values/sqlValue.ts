/**
 * The IoT SQL type system over plain JavaScript values.
 *
 * Values are what `JSON.parse` produces, plus `undefined` for Undefined and `Uint8Array` for a
 * binary payload passed through by `SELECT *`. Int and Decimal are both JS numbers: an integral
 * number is an Int, anything else a Decimal. That is exactly SQL version 2016-03-23, where
 * "numeric values that are whole numbers, such as 10.0, are processed as an Int". Version
 * 2015-10-08 keeps 10.0 a Decimal, so there (and only there) a whole-valued Decimal is boxed as
 * `WholeDecimal`; `Numerics` is the per-version factory the evaluator makes Decimals with.
 *
 * Limits: numbers are IEEE doubles, so Ints beyond 2^53 lose precision (IoT keeps 34 digits),
 * and a Decimal has about 17 significant digits rather than 34.
 */

export type SqlVersion = "2015-10-08" | "2016-03-23"
export const SQL_VERSIONS: ReadonlyArray<SqlVersion> = ["2015-10-08", "2016-03-23"]
export const DEFAULT_SQL_VERSION: SqlVersion = "2016-03-23"

const DECIMAL = Symbol("sluice.decimal")

/** A Decimal with an integral value (such as 10.0), as SQL version 2015-10-08 keeps it. */
export class WholeDecimal {
  // A symbol key, so a field reference named `value` on a boxed number finds nothing.
  readonly [DECIMAL]: number
  constructor(value: number) {
    this[DECIMAL] = value
  }
  /** The number in a box. Static, so no instance property can be mistaken for a payload field. */
  static unbox(box: WholeDecimal): number {
    return box[DECIMAL]
  }
}

export type SqlValue = unknown

export type SqlKind =
  | "undefined"
  | "null"
  | "boolean"
  | "int"
  | "decimal"
  | "string"
  | "array"
  | "object"
  | "binary"

export const kindOf = (value: SqlValue): SqlKind => {
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) ? "int" : Number.isFinite(value) ? "decimal" : "undefined"
    case "string":
      return "string"
    case "boolean":
      return "boolean"
    case "object":
      if (value === null) return "null"
      if (Array.isArray(value)) return "array"
      if (value instanceof WholeDecimal) return "decimal"
      if (value instanceof Uint8Array) return "binary"
      return "object"
    default:
      return "undefined"
  }
}

export const isPlainObject = (value: SqlValue): value is Record<string, SqlValue> =>
  typeof value === "object" &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof WholeDecimal) &&
  !(value instanceof Uint8Array)

/** The number of an Int or Decimal (boxed or not); undefined for anything else. */
export const numberOf = (value: SqlValue): number | undefined => {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined
  return value instanceof WholeDecimal ? WholeDecimal.unbox(value) : undefined
}

/** How Decimals are made in one SQL version. */
export interface Numerics {
  readonly version: SqlVersion
  /** A Decimal result; non-finite results (NaN, ±Infinity) are Undefined. */
  readonly decimal: (n: number) => SqlValue
}

const decimalV2 = (n: number): SqlValue => (Number.isFinite(n) ? n + 0 : undefined)
const decimalV1 = (n: number): SqlValue =>
  Number.isFinite(n) ? (Number.isInteger(n) ? new WholeDecimal(n + 0) : n) : undefined

export const numericsFor = (version: SqlVersion): Numerics =>
  version === "2015-10-08" ? { version, decimal: decimalV1 } : { version, decimal: decimalV2 }

/** Replaces boxed Decimals by numbers, for output; values without boxes come back as they are. */
export const unboxDecimals = (value: SqlValue): SqlValue => {
  if (typeof value !== "object" || value === null) return value
  if (value instanceof WholeDecimal) return WholeDecimal.unbox(value)
  if (value instanceof Uint8Array) return value
  if (Array.isArray(value)) {
    let copy: SqlValue[] | undefined
    for (let i = 0; i < value.length; i++) {
      const item = unboxDecimals(value[i])
      if (item !== value[i]) {
        copy ??= value.slice()
        copy[i] = item
      }
    }
    return copy ?? value
  }
  let copy: Record<string, SqlValue> | undefined
  for (const key of Object.keys(value)) {
    const original = (value as Record<string, SqlValue>)[key]
    const item = unboxDecimals(original)
    if (item !== original) {
      copy ??= { ...(value as Record<string, SqlValue>) }
      Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true })
    }
  }
  return copy ?? value
}

/** Sets `key` on a fresh object even when it is `__proto__` (assignment would set the prototype). */
export const setOwn = (target: Record<string, SqlValue>, key: string, value: SqlValue): void => {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    target[key] = value
  }
}

/** Names inherited from Object.prototype: reading them needs an own-property check. */
export const INHERITED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype))

/** The field `name` of an object value, or Undefined (arrays and scalars have no fields). */
export const fieldOf = (value: SqlValue, name: string): SqlValue => {
  if (!isPlainObject(value)) return undefined
  if (INHERITED_NAMES.has(name) && !Object.hasOwn(value, name)) return undefined
  return value[name]
}
