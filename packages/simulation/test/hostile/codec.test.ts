/**
 * Hostile payloads through the codec (`decodeReading`): every corpus payload decodes to a
 * reading or to a reason — the field at fault when there is one — and the fuzzer's payloads
 * never make it throw. A reading that decodes is a valid thing name, a valid time and finite
 * numbers; `__proto__` in a payload stays a plain key.
 */
import { DEVICE_NAME_PATTERN, decodeReading, parseTimestamp } from "@sluice/core"
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { payloadCases } from "../../src/hostile/corpus.ts"
import { hostilePayload } from "../../src/hostile/fuzz.ts"
import { checkPrototypeAfterEach } from "./prototype.ts"

checkPrototypeAfterEach()

const validReading = (result: ReturnType<typeof decodeReading>) => {
  if (result._tag !== "Success") return
  const reading = result.success
  expect(DEVICE_NAME_PATTERN.test(reading.deviceId)).toBe(true)
  expect(parseTimestamp(reading.fields.TIMESTAMP)._tag).toBe("Success")
  expect(Number.isFinite(reading.fields.TEMPERATURE)).toBe(true)
  expect(Number.isFinite(reading.fields.HUMIDITY)).toBe(true)
  expect(Object.getPrototypeOf(reading.fields)).toBe(Object.prototype)
}

describe("hostile payloads through the codec", () => {
  it.each(payloadCases().map((c) => [c.name, c] as const))("%s", (_, c) => {
    const result = decodeReading(c.bytes)
    expect(result._tag).toBe(c.expect === "reading" ? "Success" : "Failure")
    if (result._tag === "Failure") {
      expect(result.failure.reason.length).toBeGreaterThan(3)
      expect(result.failure.message.length).toBeLessThan(300)
      if (c.field !== undefined) expect(result.failure.field).toBe(c.field)
    } else validReading(result)
    if (c.name.startsWith("__proto__ key") && result._tag === "Success")
      expect(Object.hasOwn(result.success.fields, "__proto__")).toBe(true)
  })

  it("never throws on fuzzed payloads, and what it accepts is a valid reading", () =>
    checkProperty(
      fc.property(hostilePayload, (bytes) => {
        const result = decodeReading(bytes)
        if (result._tag === "Failure") expect(typeof result.failure.reason).toBe("string")
        validReading(result)
      }),
      300,
    ))
})
