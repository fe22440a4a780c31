/**
 * JSON values as the pipeline carries them, and the one place payload bytes become JSON.
 *
 * `JSON.parse` defines every key — `__proto__` and `constructor` included — as an own data
 * property, so parsing alone never pollutes a prototype. Code that copies payload objects must
 * keep that property: use spread or `Object.fromEntries` (which define properties), never
 * `Object.assign` or `target[key] = value` on a plain object (which would invoke the
 * `__proto__` setter).
 */
import { Result } from "effect"

export type Json = null | boolean | number | string | ReadonlyArray<Json> | JsonObject
export interface JsonObject {
  readonly [key: string]: Json
}

const utf8 = new TextDecoder("utf-8", { fatal: true })
const utf8Encoder = new TextEncoder()

/** The bytes of a string as UTF-8, which is what every service limit counts. */
export const utf8Bytes = (text: string): Uint8Array => utf8Encoder.encode(text)

/**
 * Byte length of a string in UTF-8 without allocating: limits are counted in bytes, and this runs
 * once per record on hot paths.
 */
export const utf8Length = (text: string): number => {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}

/** Decodes UTF-8 bytes, failing (not replacing characters) on invalid sequences. */
export const decodeUtf8 = (bytes: Uint8Array): Result.Result<string, string> => {
  try {
    return Result.succeed(utf8.decode(bytes))
  } catch {
    return Result.fail("payload is not valid UTF-8")
  }
}

/** Parses JSON text; a syntax error becomes a reason, never an exception. */
export const parseJson = (text: string): Result.Result<Json, string> => {
  try {
    return Result.succeed(JSON.parse(text) as Json)
  } catch (error) {
    return Result.fail(`payload is not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
}

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Short, printable description of a value's JSON type, for error messages. */
export const jsonTypeOf = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  switch (typeof value) {
    case "object":
      return "an object"
    case "string":
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
    case "number":
      return `the number ${value}`
    case "boolean":
      return `the boolean ${value}`
    default:
      return typeof value
  }
}
