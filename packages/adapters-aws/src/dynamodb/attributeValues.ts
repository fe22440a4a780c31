/**
 * Table items ↔ DynamoDB attribute values, so that what comes back is exactly what was put.
 *
 * A reading's fields become native attributes (S, N, BOOL, NULL, L, M): the table looks like
 * the hands-on's, queryable and readable in the console. Three kinds of JSON value DynamoDB
 * cannot hold faithfully go instead, whole top-level field at a time, into one string attribute
 * holding their JSON (`sluice_json`):
 * - numbers outside DynamoDB's range (|n| ≥ 1E126 or < 1E-130), which it rejects;
 * - objects with a `__proto__` key, which the SDK's serializer silently drops (it builds maps
 *   by assignment, which invokes the prototype setter);
 * - fields named like an attribute the adapter itself writes (the JSON attribute, the TTL one).
 * On read, native attributes and the JSON attribute are merged and the adapter's own attributes
 * removed. Attribute values written by others decode too: sets as arrays, binary as base64.
 *
 * Numbers are written with `String(n)` (shortest round-trip form, ≤ 17 significant digits, well
 * within DynamoDB's 38) and read with `Number`, so every number we write reads back equal —
 * except -0, which reads back as 0, as it does through JSON.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb"
import type { Json, JsonObject } from "@sluice/core"
import { NUMBER_MAX_MAGNITUDE_EXCLUSIVE, NUMBER_MIN_MAGNITUDE } from "./dynamoApi.ts"

/** Holds, as JSON, the fields DynamoDB cannot store natively. */
export const JSON_ATTRIBUTE = "sluice_json"

export type AttributeMap = Record<string, AttributeValue>

const fitsNumber = (n: number): boolean =>
  Number.isFinite(n) &&
  (n === 0 || (Math.abs(n) >= NUMBER_MIN_MAGNITUDE && Math.abs(n) < NUMBER_MAX_MAGNITUDE_EXCLUSIVE))

const fitsNatively = (value: Json): boolean => {
  if (typeof value === "number") return fitsNumber(value)
  if (value === null || typeof value !== "object") return true
  if (Array.isArray(value)) return value.every(fitsNatively)
  for (const key of Object.keys(value)) {
    const field = (value as JsonObject)[key]
    if (key === "__proto__" || (field !== undefined && !fitsNatively(field))) return false
  }
  return true
}

const toAttribute = (value: Json): AttributeValue => {
  if (value === null) return { NULL: true }
  if (typeof value === "string") return { S: value }
  if (typeof value === "number") return { N: String(value) }
  if (typeof value === "boolean") return { BOOL: value }
  if (Array.isArray(value)) return { L: value.map(toAttribute) }
  const map: AttributeMap = {}
  for (const key of Object.keys(value)) {
    const field = (value as JsonObject)[key]
    // Like JSON.stringify, an undefined property is absent (callers may build objects loosely).
    if (field !== undefined) map[key] = toAttribute(field)
  }
  return { M: map }
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64")

const fromAttribute = (value: AttributeValue): Json => {
  if (value.S !== undefined) return value.S
  if (value.N !== undefined) return Number(value.N)
  if (value.BOOL !== undefined) return value.BOOL
  if (value.NULL !== undefined) return null
  if (value.L !== undefined) return value.L.map(fromAttribute)
  if (value.M !== undefined) return fromAttributeMap(value.M)
  if (value.SS !== undefined) return value.SS
  if (value.NS !== undefined) return value.NS.map(Number)
  if (value.B !== undefined) return base64(value.B)
  if (value.BS !== undefined) return value.BS.map(base64)
  return null
}

/** Defines properties (never assigns), so a `__proto__` key stays plain data. */
const fromAttributeMap = (map: AttributeMap): JsonObject =>
  Object.fromEntries(Object.entries(map).map(([key, value]) => [key, fromAttribute(value)]))

/**
 * Encodes an item. `reserved` names the attributes the adapter writes itself (beyond the JSON
 * attribute): a field with such a name is kept in the JSON attribute so it cannot collide.
 */
export const encodeItem = (item: JsonObject, reserved: ReadonlySet<string> = new Set()): AttributeMap => {
  const attributes: AttributeMap = {}
  const overflow: [string, Json][] = []
  for (const key of Object.keys(item)) {
    const value = item[key]
    if (value === undefined) continue
    if (key === "__proto__" || key === JSON_ATTRIBUTE || reserved.has(key) || !fitsNatively(value))
      overflow.push([key, value])
    else attributes[key] = toAttribute(value)
  }
  // Object.fromEntries defines `__proto__` as an own key, so JSON.stringify keeps it.
  if (overflow.length > 0) attributes[JSON_ATTRIBUTE] = { S: JSON.stringify(Object.fromEntries(overflow)) }
  return attributes
}

/** Decodes an item, dropping the adapter's own attributes (`reserved`, the JSON attribute). */
export const decodeItem = (
  attributes: AttributeMap,
  reserved: ReadonlySet<string> = new Set(),
): JsonObject => {
  const entries: [string, Json][] = []
  for (const [key, value] of Object.entries(attributes)) {
    if (key !== JSON_ATTRIBUTE && !reserved.has(key)) entries.push([key, fromAttribute(value)])
  }
  const overflow = attributes[JSON_ATTRIBUTE]?.S
  if (overflow !== undefined)
    entries.push(...(Object.entries(JSON.parse(overflow) as JsonObject) as [string, Json][]))
  return Object.fromEntries(entries)
}
