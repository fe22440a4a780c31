import { checkProperty } from "@sluice/testkit"
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  decodeReading,
  encodeHandsOnPayload,
  eventIdOf,
  IOT_CORE_MAX_PAYLOAD_BYTES,
  readingFromJson,
  validateHandsOnPayload,
} from "../../src/telemetry/index.ts"
import { validPayload } from "./arbitraries.ts"

const good = { DEVICE_NAME: "device-1", TIMESTAMP: "2026-11-26T07:12:43", TEMPERATURE: 21, HUMIDITY: 48 }

const failureOf = (input: Uint8Array | string) => {
  const result = decodeReading(input)
  if (Result.isSuccess(result)) throw new Error(`expected a failure for ${String(input)}`)
  return { field: result.failure.field, message: result.failure.message }
}
const failureFor = (payload: unknown) => failureOf(JSON.stringify(payload))

describe("decodeReading: valid payloads", () => {
  it("decodes the hands-on payload", () => {
    const result = decodeReading(JSON.stringify(good))
    expect(Result.getOrThrow(result)).toEqual({
      deviceId: "device-1",
      time: "2026-11-26T07:12:43",
      epochMs: Date.UTC(2026, 10, 26, 7, 12, 43),
      sortKey: "2026-11-26T07:12:43",
      fields: good,
    })
  })

  it("keeps extra fields as they came, and keys a sequence number into the sort key", () => {
    const payload = { ...good, SEQ: 42, battery: { volts: 3.1 }, tags: ["a"] }
    const reading = Result.getOrThrow(decodeReading(new TextEncoder().encode(JSON.stringify(payload))))
    expect(reading.fields).toEqual(payload)
    expect(reading.seq).toBe(42)
    expect(reading.sortKey).toBe("2026-11-26T07:12:43#0000000000000042")
    expect(eventIdOf(reading)).toBe("device-1/2026-11-26T07:12:43#0000000000000042")
  })

  it("normalises zoned times to UTC and keeps milliseconds", () => {
    const reading = Result.getOrThrow(readingFromJson({ ...good, TIMESTAMP: "2026-11-26T09:12:43.5+02:00" }))
    expect(reading.time).toBe("2026-11-26T07:12:43.500")
    const fromEpoch = Result.getOrThrow(
      readingFromJson({ ...good, TIMESTAMP: Date.UTC(2026, 0, 2, 3, 4, 5) }),
    )
    expect(fromEpoch.time).toBe("2026-01-02T03:04:05")
  })
})

describe("decodeReading: each error names the field and says why", () => {
  it.each([
    [{ ...good, DEVICE_NAME: undefined }, "DEVICE_NAME", "DEVICE_NAME: is missing"],
    [{ ...good, DEVICE_NAME: 7 }, "DEVICE_NAME", "DEVICE_NAME: expected a string, got the number 7"],
    [
      { ...good, DEVICE_NAME: "../etc" },
      "DEVICE_NAME",
      "DEVICE_NAME: expected 1–128 characters of a-z A-Z 0-9 : _ - (an AWS IoT thing name)",
    ],
    [
      { ...good, DEVICE_NAME: "" },
      "DEVICE_NAME",
      "DEVICE_NAME: expected 1–128 characters of a-z A-Z 0-9 : _ - (an AWS IoT thing name)",
    ],
    [{ ...good, TIMESTAMP: undefined }, "TIMESTAMP", "TIMESTAMP: is missing"],
    [
      { ...good, TIMESTAMP: "yesterday" },
      "TIMESTAMP",
      "TIMESTAMP: expected a time like 2026-11-26T07:12:43 (optionally .sss and a zone)",
    ],
    [
      { ...good, TIMESTAMP: "2026-02-30T00:00:00" },
      "TIMESTAMP",
      "TIMESTAMP: day 30 is out of range for 2026-02",
    ],
    [{ ...good, TIMESTAMP: "2026-13-01T00:00:00" }, "TIMESTAMP", "TIMESTAMP: month 13 is out of range"],
    [
      { ...good, TIMESTAMP: "2026-11-26T24:00:00" },
      "TIMESTAMP",
      "TIMESTAMP: time of day 24:00:00 is out of range",
    ],
    [
      { ...good, TIMESTAMP: "2026-11-26T07:12:43+25:00" },
      "TIMESTAMP",
      "TIMESTAMP: zone offset +25:00 is out of range",
    ],
    [{ ...good, TIMESTAMP: "0099-11-26T07:12:43" }, "TIMESTAMP", "TIMESTAMP: year 0099 is out of range"],
    [
      { ...good, TIMESTAMP: 1.5 },
      "TIMESTAMP",
      "TIMESTAMP: expected epoch milliseconds as a non-negative integer before year 10000",
    ],
    [
      { ...good, TIMESTAMP: true },
      "TIMESTAMP",
      "TIMESTAMP: expected a time string like 2026-11-26T07:12:43 or epoch milliseconds",
    ],
    [{ ...good, TEMPERATURE: undefined }, "TEMPERATURE", "TEMPERATURE: is missing"],
    [{ ...good, TEMPERATURE: "21" }, "TEMPERATURE", 'TEMPERATURE: expected a number, got the string "21"'],
    [{ ...good, TEMPERATURE: "NaN" }, "TEMPERATURE", 'TEMPERATURE: expected a number, got the string "NaN"'],
    [{ ...good, HUMIDITY: null }, "HUMIDITY", "HUMIDITY: expected a number, got null"],
    [{ ...good, HUMIDITY: [1] }, "HUMIDITY", "HUMIDITY: expected a number, got an array"],
    [{ ...good, SEQ: -1 }, "SEQ", "SEQ: expected a non-negative integer, got the number -1"],
    [{ ...good, SEQ: 1.5 }, "SEQ", "SEQ: expected a non-negative integer, got the number 1.5"],
  ])("%j → %s", (payload, field, message) => {
    expect(failureFor(payload)).toEqual({ field, message })
  })

  it("rejects a non-finite number written as an overflowing literal", () => {
    const text = JSON.stringify(good).replace('"TEMPERATURE":21', '"TEMPERATURE":1e999')
    expect(failureOf(text)).toEqual({
      field: "TEMPERATURE",
      message: "TEMPERATURE: expected a finite number",
    })
  })

  it("rejects whole payloads that are not JSON objects, naming no field", () => {
    expect(failureOf("not json").field).toBeUndefined()
    expect(failureOf("not json").message).toMatch(/^payload is not JSON \(/)
    expect(failureOf("[1,2]").message).toBe("expected a JSON object, got an array")
    expect(failureOf("null").message).toBe("expected a JSON object, got null")
    expect(failureOf(new Uint8Array([0x7b, 0xff, 0x7d])).message).toBe("payload is not valid UTF-8")
  })

  it("rejects payloads over the IoT Core limit before parsing them", () => {
    const big = JSON.stringify({ ...good, pad: "x".repeat(IOT_CORE_MAX_PAYLOAD_BYTES) })
    expect(failureOf(big).message).toBe(`payload is ${big.length} bytes, over the 131072-byte IoT Core limit`)
  })
})

describe("decodeReading: properties", () => {
  it("never throws, for any bytes", () => {
    checkProperty(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        decodeReading(bytes)
      }),
      300,
    )
  })

  it("never throws, for any JSON value", () => {
    checkProperty(
      fc.property(fc.jsonValue(), (value) => {
        decodeReading(JSON.stringify(value) ?? "null")
      }),
      300,
    )
  })

  it("round-trips every valid payload, extra fields included", () => {
    checkProperty(
      fc.property(validPayload, (payload) => {
        const reading = Result.getOrThrow(decodeReading(JSON.stringify(payload)))
        expect(reading.fields).toEqual(payload)
        expect(JSON.parse(encodeHandsOnPayload(reading))).toEqual(payload)
      }),
      200,
    )
  })

  it("agrees with the HandsOnPayload schema on every input", () => {
    const mutated = validPayload.chain((payload) =>
      fc
        .record({
          key: fc.constantFrom("DEVICE_NAME", "TIMESTAMP", "TEMPERATURE", "HUMIDITY", "SEQ", "other"),
          value: fc.oneof(
            fc.jsonValue({ maxDepth: 1 }),
            fc.constant(undefined),
            fc.string({ maxLength: 30 }),
          ),
        })
        .map(({ key, value }) => ({ ...payload, [key]: value })),
    )
    checkProperty(
      fc.property(fc.oneof(validPayload, mutated), (input) => {
        const payload = JSON.parse(JSON.stringify(input)) as unknown
        const fast = readingFromJson(payload)
        const spec = validateHandsOnPayload(payload)
        expect(Result.isSuccess(fast)).toBe(Result.isSuccess(spec))
        if (Result.isFailure(fast) && Result.isFailure(spec)) {
          expect(spec.failure.map((issue) => issue.field)).toContain(fast.failure.field)
        }
      }),
      400,
    )
  })

  it("never pollutes a prototype, and keeps dangerous keys as plain data", () => {
    const text = `{"DEVICE_NAME":"d","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":1,"HUMIDITY":2,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`
    const reading = Result.getOrThrow(decodeReading(text))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(reading.fields)).toBe(Object.prototype)
    expect(Object.hasOwn(reading.fields, "__proto__")).toBe(true)
    expect(JSON.parse(encodeHandsOnPayload({ fields: { ...reading.fields } }))).toEqual(JSON.parse(text))
  })

  it("gives distinct readings distinct ids and redeliveries the same id", () => {
    checkProperty(
      fc.property(validPayload, validPayload, (a, b) => {
        const ra = Result.getOrThrow(readingFromJson(a))
        const rb = Result.getOrThrow(readingFromJson(b))
        const sameKey = ra.deviceId === rb.deviceId && ra.sortKey === rb.sortKey
        expect(eventIdOf(ra) === eventIdOf(rb)).toBe(sameKey)
        expect(eventIdOf(Result.getOrThrow(readingFromJson(JSON.parse(JSON.stringify(a)))))).toBe(
          eventIdOf(ra),
        )
      }),
      200,
    )
  })

  it("orders sort keys as strings exactly as the readings' instants and sequence numbers", () => {
    checkProperty(
      fc.property(validPayload, validPayload, (a, b) => {
        const ra = Result.getOrThrow(readingFromJson(a))
        const rb = Result.getOrThrow(readingFromJson(b))
        const byInstant = Math.sign(ra.epochMs - rb.epochMs) || Math.sign((ra.seq ?? -1) - (rb.seq ?? -1))
        const byString = ra.sortKey < rb.sortKey ? -1 : ra.sortKey > rb.sortKey ? 1 : 0
        expect(byString).toBe(byInstant)
      }),
      300,
    )
  })
})
