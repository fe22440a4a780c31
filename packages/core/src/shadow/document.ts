/**
 * Classic device shadow documents: merge, delta and metadata, as AWS IoT's Device Shadow
 * service computes them. Pure functions over plain JSON.
 *
 * - An update merges each given section (`desired`, `reported`) into the stored one key by key:
 *   objects merge recursively, arrays and scalars replace, `null` deletes the key, and a section
 *   set to `null` is deleted whole.
 * - The delta is every `desired` key whose value differs from `reported` (recursing into
 *   objects), so a device learns what it still has to do.
 * - Metadata mirrors the state's shape with `{ timestamp }` (epoch seconds) at each leaf updated.
 * Source: AWS IoT developer guide, "Device Shadow service documents" and "Interacting with shadows".
 */
import { isJsonObject, type Json, type JsonObject } from "../telemetry/json.ts"

export interface ShadowState {
  readonly desired?: JsonObject
  readonly reported?: JsonObject
}

export interface ShadowDocument {
  readonly state: ShadowState
  readonly metadata: { readonly desired?: JsonObject; readonly reported?: JsonObject }
  readonly version: number
  /** Epoch seconds of the last update. */
  readonly timestamp: number
}

const deepEqual = (a: Json | undefined, b: Json | undefined): boolean => {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a)
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    )
  }
  return false
}

/** Merges a requested section into a stored one (null deletes; objects merge; the rest replaces). */
export const mergeSection = (
  stored: JsonObject | undefined,
  requested: JsonObject,
): JsonObject | undefined => {
  const entries = new Map<string, Json>(Object.entries(stored ?? {}))
  for (const [key, value] of Object.entries(requested)) {
    if (value === null) entries.delete(key)
    else if (isJsonObject(value)) {
      const before = entries.get(key)
      const merged = mergeSection(isJsonObject(before) ? before : undefined, value)
      if (merged === undefined) entries.delete(key)
      else entries.set(key, merged)
    } else entries.set(key, value)
  }
  return entries.size === 0 ? undefined : Object.fromEntries(entries)
}

/** The part of `desired` that `reported` does not match yet; undefined when in sync. */
export const deltaOf = (
  desired: JsonObject | undefined,
  reported: JsonObject | undefined,
): JsonObject | undefined => {
  if (desired === undefined) return undefined
  const delta: [string, Json][] = []
  for (const [key, want] of Object.entries(desired)) {
    const have = reported?.[key]
    if (isJsonObject(want) && isJsonObject(have)) {
      const inner = deltaOf(want, have)
      if (inner !== undefined) delta.push([key, inner])
    } else if (!deepEqual(want, have)) delta.push([key, want])
  }
  return delta.length === 0 ? undefined : Object.fromEntries(delta)
}

/** Metadata for the leaves a request touched: the same shape with `{ timestamp }` at each leaf. */
export const metadataOf = (requested: JsonObject, timestamp: number): JsonObject =>
  Object.fromEntries(
    Object.entries(requested).map(([key, value]): [string, Json] => [
      key,
      isJsonObject(value) ? metadataOf(value, timestamp) : { timestamp },
    ]),
  )

/** Merges metadata like state, dropping the metadata of deleted keys. */
export const mergeMetadata = (
  stored: JsonObject | undefined,
  requested: JsonObject,
  timestamp: number,
): JsonObject | undefined => {
  const entries = new Map<string, Json>(Object.entries(stored ?? {}))
  for (const [key, value] of Object.entries(requested)) {
    if (value === null) entries.delete(key)
    else if (isJsonObject(value)) {
      const before = entries.get(key)
      const merged = mergeMetadata(
        isJsonObject(before) && !("timestamp" in before) ? before : undefined,
        value,
        timestamp,
      )
      if (merged === undefined) entries.delete(key)
      else entries.set(key, merged)
    } else entries.set(key, { timestamp })
  }
  return entries.size === 0 ? undefined : Object.fromEntries(entries)
}
