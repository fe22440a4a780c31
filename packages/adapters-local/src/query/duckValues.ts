/**
 * DuckDB values as JSON: what `sluice query` prints and the dashboard receives.
 *
 * DuckDB hands BIGINTs to JavaScript as `bigint`, timestamps as `Date`, JSON columns as text.
 * We print integers as numbers when they are exact in a double and as strings otherwise,
 * times as ISO strings, and JSON columns as the JSON they hold — so a reading's extra fields
 * come back as they were published.
 */
import type { Json, JsonObject } from "@sluice/core"

const toJson = (value: unknown): Json => {
  if (value === null || value === undefined) return null
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString()
  }
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value)
  if (typeof value === "string" || typeof value === "boolean") return value
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64")
  if (Array.isArray(value)) return value.map(toJson)
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJson(v)]),
    )
  }
  return String(value)
}

/**
 * Converts a row given as values in column order; columns typed JSON are parsed. (DuckDB's own
 * row objects assign properties, so a column named `__proto__` would vanish; fromEntries
 * defines them.)
 */
export const rowToJson = (
  columns: ReadonlyArray<string>,
  values: ReadonlyArray<unknown>,
  jsonColumns: ReadonlySet<string>,
): JsonObject =>
  Object.fromEntries(
    columns.map((column, i): [string, Json] => {
      const value = values[i]
      if (jsonColumns.has(column) && typeof value === "string") {
        try {
          return [column, JSON.parse(value) as Json]
        } catch {}
      }
      return [column, toJson(value)]
    }),
  )
