/**
 * Query evaluation for the memory search index: index patterns, term and range filters, sorting.
 *
 * Matches OpenSearch where the dashboard relies on it: `*` patterns and comma lists of index
 * names; a term filter is exact equality on the stored value (as on a keyword, number or boolean
 * field); a range is inclusive, numbers compare as numbers and strings as strings — equal to
 * date order for the fixed-width canonical times the pipeline writes. Documents missing the
 * sort field sort last, as OpenSearch's default `missing: _last` does. Ties fall back to
 * (index, id) so results are deterministic; OpenSearch leaves tie order unspecified.
 */
import type { FieldRange, FieldValue, Json, JsonObject, SearchHit } from "@sluice/core"

const escapeRegex = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&")

/** Whether an index name matches a name, a `*` pattern, or a comma-separated list of them. */
export const matchesIndexPattern = (pattern: string, name: string): boolean =>
  pattern
    .split(",")
    .map((part) => part.trim())
    .some((part) => new RegExp(`^${part.split("*").map(escapeRegex).join(".*")}$`).test(name))

/** The value at a dotted path of a document. */
export const fieldValue = (source: JsonObject, path: string): Json | undefined => {
  if (Object.hasOwn(source, path)) return source[path]
  let current: Json | undefined = source
  for (const key of path.split(".")) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined
    current = Object.hasOwn(current, key) ? (current as JsonObject)[key] : undefined
  }
  return current
}

const compare = (a: FieldValue, b: FieldValue): number => {
  if (typeof a === "number" && typeof b === "number") return a - b
  const x = String(a)
  const y = String(b)
  return x < y ? -1 : x > y ? 1 : 0
}

const isScalar = (value: Json | undefined): value is FieldValue =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean"

export const matchesTerms = (source: JsonObject, terms: Readonly<Record<string, FieldValue>> = {}): boolean =>
  Object.entries(terms).every(([field, expected]) => fieldValue(source, field) === expected)

export const matchesRange = (source: JsonObject, range: FieldRange | undefined): boolean => {
  if (range === undefined) return true
  const value = fieldValue(source, range.field)
  if (!isScalar(value)) return false
  if (range.from !== undefined && compare(value, range.from) < 0) return false
  if (range.to !== undefined && compare(value, range.to) > 0) return false
  return true
}

/** A comparator on one field (missing values last), then (index, id). */
export const bySortField =
  (field: string, order: "asc" | "desc") =>
  (a: SearchHit, b: SearchHit): number => {
    const x = fieldValue(a.source, field)
    const y = fieldValue(b.source, field)
    const missingX = !isScalar(x)
    const missingY = !isScalar(y)
    if (missingX !== missingY) return missingX ? 1 : -1
    if (isScalar(x) && isScalar(y)) {
      const c = compare(x, y)
      if (c !== 0) return order === "asc" ? c : -c
    }
    return byIndexAndId(a, b)
  }

export const byIndexAndId = (a: SearchHit, b: SearchHit): number =>
  a.index < b.index ? -1 : a.index > b.index ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
