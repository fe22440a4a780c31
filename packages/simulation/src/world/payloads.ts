/**
 * What simulated devices publish: hands-on readings and the hostile kinds of scenario.ts.
 *
 * Every payload carries a marker `m<id>~` unique to its message — in a `MSG` field when the
 * payload is JSON (the rules engine re-serialises JSON, so bytes change but string fields
 * survive), in the raw text otherwise. The invariant checks find a message's traces (stream
 * records, table items, dead letters, lake lines) by that marker, without trusting any
 * component's own account of what it did. Values are derived from the message number, so no
 * randomness is needed here.
 */
import type { PayloadKind } from "../scenario.ts"

export const markerOf = (messageId: number): string => `m${messageId}~`

const MARKER = /m(\d+)~/

/** The message a trace belongs to, from the marker in its text (undefined when none). */
export const messageIdIn = (text: string): number | undefined => {
  const match = MARKER.exec(text)
  return match ? Number(match[1]) : undefined
}

const decoder = new TextDecoder()

/** As `messageIdIn`, for bytes. */
export const messageIdInBytes = (bytes: Uint8Array): number | undefined => messageIdIn(decoder.decode(bytes))

/** Size of the extra field of a `bigReading`: over a small table limit, under the stream's. */
export const BIG_FIELD_BYTES = 1_500

/** The TEMPERATURE the simulated table refuses for good (see world/ports.ts). */
export const REJECTED_TEMPERATURE = -273

export interface PayloadInput {
  readonly messageId: number
  readonly kind: PayloadKind
  readonly deviceName: string
  /** The device's TIMESTAMP, as it formats its own (skewed) clock. */
  readonly timestamp: string
  readonly seq: number | undefined
}

export interface Publish {
  readonly topic: string
  readonly payload: string
}

const reading = (input: PayloadInput, overrides: Record<string, unknown> = {}, omit?: string) => {
  const n = input.messageId
  const fields: Record<string, unknown> = {
    DEVICE_NAME: input.deviceName,
    TIMESTAMP: input.timestamp,
    TEMPERATURE: 15 + ((n * 7) % 11),
    HUMIDITY: 40 + ((n * 13) % 21),
    ...(input.seq === undefined ? {} : { SEQ: input.seq }),
    MSG: markerOf(n),
    ...overrides,
  }
  if (omit !== undefined) delete fields[omit]
  return JSON.stringify(fields)
}

/** The topic and payload a device publishes for one message of a kind. */
export const payloadOf = (input: PayloadInput): Publish => {
  const topic = `data/${input.deviceName}`
  switch (input.kind) {
    case "reading":
      return { topic, payload: reading(input) }
    case "bigReading":
      return { topic, payload: reading(input, { NOTE: "x".repeat(BIG_FIELD_BYTES) }) }
    case "tableRejects":
      return { topic, payload: reading(input, { TEMPERATURE: REJECTED_TEMPERATURE }) }
    case "protoKeys": {
      // Written by hand: an object literal's `__proto__` would set the prototype, not a key.
      const body = reading(input).slice(1)
      return {
        topic,
        payload: `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${body}`,
      }
    }
    case "notJson":
      return { topic, payload: `not json ${markerOf(input.messageId)} {` }
    case "wrongType":
      return { topic, payload: reading(input, { TEMPERATURE: "hot" }) }
    case "missingField":
      return { topic, payload: reading(input, {}, "HUMIDITY") }
    case "badTimestamp":
      return { topic, payload: reading(input, { TIMESTAMP: "yesterday at noon" }) }
    case "nanString":
      return { topic, payload: reading(input, { TEMPERATURE: "NaN" }) }
    case "pathDeviceName":
      return { topic, payload: reading(input, { DEVICE_NAME: "../../etc/passwd" }) }
    case "unmatchedTopic":
      return { topic: `status/${input.deviceName}`, payload: reading(input) }
  }
}
