export { type EventSource, eventIdOf, makeEvent, type TelemetryEvent } from "./envelope.ts"
export {
  decodeReading,
  encodeHandsOnPayload,
  InvalidReading,
  readingFromJson,
  validateHandsOnPayload,
} from "./handsOnCodec.ts"
export {
  decodeUtf8,
  isJsonObject,
  type Json,
  type JsonObject,
  jsonTypeOf,
  parseJson,
  utf8Bytes,
  utf8Length,
} from "./json.ts"
export { DEVICE_NAME_PATTERN, IOT_CORE_MAX_PAYLOAD_BYTES, SEQUENCE_FIELD } from "./limits.ts"
export { HandsOnPayload, type Reading, sortKeyOf } from "./reading.ts"
export { canonicalFromEpochMs, handsOnTimestamp, type ParsedTime, parseTimestamp } from "./timestamp.ts"
