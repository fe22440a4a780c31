/**
 * A small model of OpenSearch dynamic mapping, so the memory index rejects what a real one does.
 *
 * The first document to bring a field fixes its type for the index (number, boolean, string or
 * object); a later document whose value cannot be that type is rejected as a mapping error —
 * OpenSearch's `mapper_parsing_exception`, a 400 per item, which the port reports as Poison.
 * Like OpenSearch, a numeric string fits a number field and any scalar fits a string field
 * (both are coerced); null fits every type and fixes none. Arrays take their elements' type.
 * This is not the whole of OpenSearch's mapping (dates, templates, limits): only the conflicts a
 * telemetry pipeline meets when a device changes a field's type.
 */
import type { Json, JsonObject } from "@sluice/core"

export type FieldType = "number" | "boolean" | "string" | "object"

/** Field path (dotted) → type, for one index. */
export type Mapping = Map<string, FieldType>

const typeOf = (value: Json): FieldType | undefined => {
  if (value === null) return undefined
  if (typeof value === "number") return "number"
  if (typeof value === "boolean") return "boolean"
  if (typeof value === "string") return "string"
  return Array.isArray(value) ? undefined : "object"
}

const fits = (mapped: FieldType, value: Json): boolean => {
  switch (mapped) {
    case "number":
      return (
        typeof value === "number" ||
        (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
      )
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false"
    case "string":
      return typeof value !== "object"
    case "object":
      return typeof value === "object" && !Array.isArray(value)
  }
}

/**
 * Checks a document against the mapping and returns the new fields it would add, or the reason
 * it is rejected. The mapping is not changed: the caller applies `added` only when it indexes.
 */
export const checkAgainstMapping = (
  mapping: Mapping,
  source: JsonObject,
): { readonly added: ReadonlyArray<[string, FieldType]> } | { readonly rejected: string } => {
  const added: Array<[string, FieldType]> = []
  const seen = new Map<string, FieldType>()
  const visit = (path: string, value: Json): string | undefined => {
    if (Array.isArray(value)) {
      for (const element of value) {
        const reason = visit(path, element)
        if (reason) return reason
      }
      return undefined
    }
    if (value === null) return undefined
    const mapped = mapping.get(path) ?? seen.get(path)
    if (mapped !== undefined && !fits(mapped, value))
      return `mapper_parsing_exception: failed to parse field [${path}] of type [${mapped}]`
    const type = typeOf(value)
    if (mapped === undefined && type !== undefined) {
      seen.set(path, type)
      added.push([path, type])
    }
    if (typeof value === "object")
      for (const [key, child] of Object.entries(value as JsonObject)) {
        const reason = visit(`${path}.${key}`, child)
        if (reason) return reason
      }
    return undefined
  }
  for (const [key, value] of Object.entries(source)) {
    const reason = visit(key, value)
    if (reason) return { rejected: reason }
  }
  return { added }
}
