/**
 * Functions over values and collections: get, concat, transform, isNull, isUndefined.
 *
 * `get` indexes Arrays and Strings from 0 (the index converted to Int) and reads Object keys
 * (a String, unconverted) — the reference's table says 0-based for Strings too, although one of
 * its examples shows `get("abc", 1)` as "a"; we follow the table. `concat` returns its single
 * argument unchanged, an Array when any argument is an Array (other arguments become elements,
 * Undefined ones are left out), a String when any argument is a String, and Undefined otherwise.
 */
import { toIntNumber, toStringValue } from "../values/conversions.ts"
import { fieldOf, isPlainObject, type SqlValue } from "../values/sqlValue.ts"
import { define, type FunctionDefinition, V1, V2 } from "./definition.ts"

const concat = (args: ReadonlyArray<SqlValue>): SqlValue => {
  if (args.length === 0) return undefined
  if (args.length === 1) return args[0]
  if (args.some(Array.isArray)) {
    const items: SqlValue[] = []
    for (const arg of args) {
      if (Array.isArray(arg)) items.push(...arg)
      else if (arg !== undefined) items.push(arg)
    }
    return items
  }
  if (!args.some((arg) => typeof arg === "string")) return undefined
  let text = ""
  for (const arg of args) {
    const part = toStringValue(arg)
    if (part === undefined) return undefined
    text += part
  }
  return text
}

const transform = ([mode, object, array]: ReadonlyArray<SqlValue>): SqlValue => {
  if (mode !== "enrichArray" || !isPlainObject(object) || !Array.isArray(array)) return undefined
  if (!array.every(isPlainObject)) return undefined
  // Spread defines keys (a `__proto__` key stays data); the object's attributes come last.
  return array.map((element) => ({ ...(element as Record<string, SqlValue>), ...object }))
}

export const collectionFunctions: Readonly<Record<string, FunctionDefinition>> = {
  get: define(V1, 2, 2, ([collection, key]) => {
    if (Array.isArray(collection) || typeof collection === "string") {
      const index = toIntNumber(key)
      return index !== undefined && index >= 0 && index < collection.length ? collection[index] : undefined
    }
    return typeof key === "string" ? fieldOf(collection, key) : undefined
  }),
  concat: define(V1, 0, Number.POSITIVE_INFINITY, concat),
  transform: define(V2, 3, 3, transform),
  isnull: define(V1, 1, 1, ([a]) => a === null),
  isundefined: define(V2, 1, 1, ([a]) => a === undefined),
}
