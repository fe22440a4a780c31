/**
 * The consumer's decoding hot path: its shortcuts must agree with the plain codec — the
 * timestamp fast path with the regex path, the ASCII (atob) path with the byte path, and the
 * item size hint must bound the item's JSON size.
 */
import { checkProperty } from "@sluice/testkit"
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  aggregate,
  decodeKinesisEvent,
  decodeReading,
  itemBytes,
  itemOf,
  parseTimestamp,
  readingFromJson,
} from "../../src/index.ts"
import { handsOnSortKey } from "../../src/telemetry/handsOnCodec.ts"
import { validPayload } from "../telemetry/arbitraries.ts"
import { kinesisEvent, utf8 } from "./kinesisFixtures.ts"

const digitsLike = fc.constantFrom(..."0123456789x/ ")
const timestampLike = fc.oneof(
  fc
    .tuple(
      fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$/),
      fc.nat(18),
      digitsLike,
    )
    .map(([text, at, c]) => (at % 3 === 0 ? `${text.slice(0, at)}${c}${text.slice(at + 1)}` : text)),
  fc
    .date({ min: new Date(-1e13), max: new Date(2.6e14), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 19)),
)

describe("consumer decoding agrees with the codec", () => {
  it("parses hands-on timestamps without the regex exactly as with it", () => {
    checkProperty(
      fc.property(timestampLike, (text) => {
        // With a `Z` the regex path decides; the canonical form of a UTC time is the text itself.
        const fast = parseTimestamp(text)
        const slow = parseTimestamp(`${text}Z`)
        expect(Result.isSuccess(fast)).toBe(Result.isSuccess(slow))
        if (Result.isSuccess(fast) && Result.isSuccess(slow)) expect(fast.success).toEqual(slow.success)
      }),
      2000,
    )
  })

  it("recognises a hands-on reading without the codec exactly where the codec accepts it", () => {
    // handsOnSortKey answers only for readings readingFromJson accepts, with their sort key; when
    // it declines, the consumer asks the codec, so declining is always safe — accepting is not.
    const odd = fc.oneof(
      fc.jsonValue({ maxDepth: 1 }),
      fc.constant(undefined),
      fc.string({ maxLength: 30 }),
      timestampLike,
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 1.5, 2 ** 60, "device one", ""),
    )
    const mutated = validPayload.chain((payload) =>
      fc
        .record({
          key: fc.constantFrom("DEVICE_NAME", "TIMESTAMP", "TEMPERATURE", "HUMIDITY", "SEQ", "other"),
          value: odd,
        })
        .map(({ key, value }) => ({ ...payload, [key]: value })),
    )
    checkProperty(
      fc.property(fc.oneof(validPayload, mutated, fc.jsonValue({ maxDepth: 1 })), (input) => {
        const quick = handsOnSortKey(input)
        if (quick === undefined) return
        const reading = readingFromJson(input)
        expect(Result.isSuccess(reading)).toBe(true)
        if (Result.isSuccess(reading)) {
          expect(quick).toBe(reading.success.sortKey)
          expect(reading.success.deviceId).toBe((input as { DEVICE_NAME: string }).DEVICE_NAME)
        }
      }),
      2000,
    )
  })

  it("gives the same verdict and item on the ASCII path as the codec on bytes", () => {
    const payload = fc.oneof(
      validPayload.map((p) => JSON.stringify(p)),
      validPayload.map((p) => `${JSON.stringify(p, null, 1)}\n`),
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    )
    checkProperty(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 8 }), (texts) => {
        const entries = decodeKinesisEvent(kinesisEvent(texts.map((data) => ({ data }))))
        expect(entries).toHaveLength(texts.length)
        entries.forEach((entry, i) => {
          const expected = decodeReading(utf8(texts[i] as string))
          if (Result.isFailure(expected)) {
            expect(entry.poison).toEqual({ reason: expected.failure.reason, field: expected.failure.field })
            return
          }
          const item = itemOf(expected.success)
          expect(entry.item).toEqual(item)
          if (entry.bytes !== undefined) expect(entry.bytes).toBeGreaterThanOrEqual(itemBytes(item))
        })
      }),
      300,
    )
  })

  it("bounds the item size even for payloads that re-serialize differently", () => {
    const tricky = [
      '{"DEVICE_NAME":"d","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":1.50,"HUMIDITY":-0,"x":"\\u0041\\/"}',
      '{"DEVICE_NAME":"d","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":1,"HUMIDITY":2,"big":1e20}',
      '{"DEVICE_NAME":"d","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":1,"HUMIDITY":2,"b":[1e20,1e20,9E20]}',
      '{"deviceId":1,"ts":2,"DEVICE_NAME":"d","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":1,"HUMIDITY":2}',
      '{"DEVICE_NAME":"d","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":1,"HUMIDITY":2,"DEVICE_NAME":"e"}',
    ]
    for (const entry of decodeKinesisEvent(kinesisEvent(tricky.map((data) => ({ data }))))) {
      const exact = itemBytes(entry.item!)
      expect(entry.bytes === undefined || entry.bytes >= exact).toBe(true)
    }
  })

  it("takes the byte path for UTF-8 and KPL, and rejects invalid UTF-8 as the codec does", () => {
    const reading = {
      DEVICE_NAME: "d",
      TIMESTAMP: "2026-11-26T07:12:43",
      TEMPERATURE: 1,
      HUMIDITY: 2,
      note: "héllo ✓",
    }
    const entries = decodeKinesisEvent(
      kinesisEvent([
        { data: reading },
        { data: Uint8Array.of(0x7b, 0xff, 0x7d) },
        { data: aggregate([{ partitionKey: "d", data: utf8(JSON.stringify(reading)) }]) },
      ]),
    )
    expect(entries[0]?.item).toMatchObject({ note: "héllo ✓", deviceId: "d" })
    expect(entries[1]?.poison).toEqual({ reason: "payload is not valid UTF-8", field: undefined })
    expect(entries[2]).toMatchObject({ subSequenceNumber: 0, item: { note: "héllo ✓" } })
  })
})
