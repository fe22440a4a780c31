/**
 * The codec of the hands-on payload: bytes or text in, a `Reading` or an `InvalidReading` out.
 *
 * Decoding never throws. Each failure names the field at fault (or none, for a payload that is
 * too large, not UTF-8, not JSON or not an object) and says why, in words a person can act on.
 * These checks run once per record on the consumer's hot path, so they are hand-written; they
 * must agree with the `HandsOnPayload` schema, and a differential property test makes sure
 * they do. Extra fields are kept as published (see json.ts on prototype safety).
 */
import { Data, Result, Schema } from "effect"
import { decodeUtf8, isJsonObject, type JsonObject, jsonTypeOf, parseJson } from "./json.ts"
import { DEVICE_NAME_PATTERN, IOT_CORE_MAX_PAYLOAD_BYTES, SEQUENCE_FIELD } from "./limits.ts"
import { HandsOnPayload, type Reading, sortKeyOf } from "./reading.ts"
import { isHandsOnTime, parseTimestamp } from "./timestamp.ts"

/** Why a payload is not a valid reading. */
export class InvalidReading extends Data.TaggedError("InvalidReading")<{
  /** The payload field at fault; undefined when the payload as a whole is unusable. */
  readonly field: string | undefined
  readonly reason: string
}> {
  override get message(): string {
    return this.field === undefined ? this.reason : `${this.field}: ${this.reason}`
  }
}

const invalid = (field: string | undefined, reason: string) =>
  Result.fail(new InvalidReading({ field, reason }))

const finiteNumber = (payload: JsonObject, field: string): string | undefined => {
  const value = payload[field]
  if (value === undefined) return "is missing"
  if (typeof value !== "number") return `expected a number, got ${jsonTypeOf(value)}`
  // JSON cannot spell NaN or Infinity, but 1e999 parses to Infinity.
  if (!Number.isFinite(value)) return "expected a finite number"
  return undefined
}

/** Validates an already-parsed payload object and builds the reading. */
export const readingFromJson = (payload: unknown): Result.Result<Reading, InvalidReading> => {
  if (!isJsonObject(payload)) return invalid(undefined, `expected a JSON object, got ${jsonTypeOf(payload)}`)
  const deviceId = payload.DEVICE_NAME
  if (deviceId === undefined) return invalid("DEVICE_NAME", "is missing")
  if (typeof deviceId !== "string")
    return invalid("DEVICE_NAME", `expected a string, got ${jsonTypeOf(deviceId)}`)
  if (!DEVICE_NAME_PATTERN.test(deviceId)) {
    return invalid("DEVICE_NAME", "expected 1–128 characters of a-z A-Z 0-9 : _ - (an AWS IoT thing name)")
  }
  if (payload.TIMESTAMP === undefined) return invalid("TIMESTAMP", "is missing")
  const time = parseTimestamp(payload.TIMESTAMP)
  if (Result.isFailure(time)) return invalid("TIMESTAMP", time.failure)
  const temperature = finiteNumber(payload, "TEMPERATURE")
  if (temperature !== undefined) return invalid("TEMPERATURE", temperature)
  const humidity = finiteNumber(payload, "HUMIDITY")
  if (humidity !== undefined) return invalid("HUMIDITY", humidity)
  const seq = payload[SEQUENCE_FIELD]
  if (seq !== undefined && (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0)) {
    return invalid(SEQUENCE_FIELD, `expected a non-negative integer, got ${jsonTypeOf(seq)}`)
  }
  const { canonical, epochMs } = time.success
  const reading: Reading =
    seq === undefined
      ? { deviceId, time: canonical, epochMs, sortKey: canonical, fields: payload }
      : { deviceId, time: canonical, epochMs, seq, sortKey: sortKeyOf(canonical, seq), fields: payload }
  return Result.succeed(reading)
}

/**
 * The sort key of a parsed payload that is a valid reading with a hands-on `TIMESTAMP`
 * (`YYYY-MM-DDTHH:MM:SS` exactly) — the checks of `readingFromJson`, without building the reading
 * or its Result; undefined for anything else, which `readingFromJson` then decides and words.
 * For hot paths (the Kinesis consumer, decision 0303): where this answers, `readingFromJson`
 * would succeed with this `deviceId` (the `DEVICE_NAME`) and this `sortKey`.
 */
export const handsOnSortKey = (payload: unknown): string | undefined => {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return undefined
  const fields = payload as JsonObject
  const deviceId = fields.DEVICE_NAME
  if (typeof deviceId !== "string" || !DEVICE_NAME_PATTERN.test(deviceId)) return undefined
  const time = fields.TIMESTAMP
  if (typeof time !== "string" || !isHandsOnTime(time)) return undefined
  const temperature = fields.TEMPERATURE
  if (typeof temperature !== "number" || !Number.isFinite(temperature)) return undefined
  const humidity = fields.HUMIDITY
  if (typeof humidity !== "number" || !Number.isFinite(humidity)) return undefined
  const seq = fields[SEQUENCE_FIELD]
  if (seq === undefined) return time
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return undefined
  return sortKeyOf(time, seq)
}

/** Decodes a payload as published (bytes or text) into a reading. */
export const decodeReading = (payload: Uint8Array | string): Result.Result<Reading, InvalidReading> => {
  const size = typeof payload === "string" ? Buffer.byteLength(payload, "utf8") : payload.byteLength
  if (size > IOT_CORE_MAX_PAYLOAD_BYTES) {
    return invalid(
      undefined,
      `payload is ${size} bytes, over the ${IOT_CORE_MAX_PAYLOAD_BYTES}-byte IoT Core limit`,
    )
  }
  let text: string
  if (typeof payload === "string") text = payload
  else {
    const decoded = decodeUtf8(payload)
    if (Result.isFailure(decoded)) return invalid(undefined, decoded.failure)
    text = decoded.success
  }
  const parsed = parseJson(text)
  if (Result.isFailure(parsed)) return invalid(undefined, parsed.failure)
  return readingFromJson(parsed.success)
}

/** The payload the hands-on device would publish for a reading (its fields, as JSON). */
export const encodeHandsOnPayload = (reading: Pick<Reading, "fields">): string =>
  JSON.stringify(reading.fields)

const standard = Schema.toStandardSchemaV1(HandsOnPayload)["~standard"]

/**
 * Validates a payload object with the `HandsOnPayload` schema and reports every issue — slower
 * than `readingFromJson`, for tools and messages rather than the hot path.
 */
export const validateHandsOnPayload = (
  payload: unknown,
): Result.Result<HandsOnPayload, ReadonlyArray<InvalidReading>> => {
  const outcome = standard.validate(payload)
  if (outcome instanceof Promise) throw new Error("HandsOnPayload has no asynchronous checks")
  if (outcome.issues === undefined) return Result.succeed(outcome.value)
  return Result.fail(
    outcome.issues.map((issue) => {
      const head = issue.path?.[0]
      const field = head === undefined ? undefined : String(typeof head === "object" ? head.key : head)
      return new InvalidReading({ field, reason: issue.message })
    }),
  )
}
