import { decodeReading } from "@sluice/core"
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { dataTopic, encodeReading } from "../src/reading.ts"

describe("the hands-on payload", () => {
  it("has the four fields in the hands-on order, integers, and SEQ only when asked", () => {
    const base = { DEVICE_NAME: "device-1", TIMESTAMP: "2026-11-26T07:12:43", TEMPERATURE: 21, HUMIDITY: 55 }
    expect(encodeReading(base)).toBe(
      '{"DEVICE_NAME":"device-1","TIMESTAMP":"2026-11-26T07:12:43","TEMPERATURE":21,"HUMIDITY":55}',
    )
    expect(JSON.parse(encodeReading({ ...base, SEQ: 7 }))).toEqual({ ...base, SEQ: 7 })
    expect(dataTopic("device-1")).toBe("data/device-1")
  })

  it("is read back by the pipeline's decoder, field for field", () => {
    checkProperty(
      fc.property(
        fc.stringMatching(/^[a-zA-Z0-9:_-]{1,128}$/),
        fc.integer({ min: -50, max: 80 }),
        fc.integer({ min: 0, max: 100 }),
        fc.option(fc.nat(), { nil: undefined }),
        (name, temperature, humidity, seq) => {
          const reading = {
            DEVICE_NAME: name,
            TIMESTAMP: "2026-11-26T07:12:43",
            TEMPERATURE: temperature,
            HUMIDITY: humidity,
            ...(seq === undefined ? {} : { SEQ: seq }),
          }
          const text = encodeReading(reading)
          expect(JSON.parse(text)).toEqual(reading)
          const decoded = decodeReading(text)
          expect(decoded._tag).toBe("Success")
          if (decoded._tag === "Success") {
            expect(decoded.success.deviceId).toBe(name)
            expect(decoded.success.seq).toBe(seq)
          }
        },
      ),
    )
  })
})
