import { parseTimestamp } from "@sluice/core"
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatDeviceTimestamp, localHourOfDay } from "../src/timestamp.ts"

describe("formatDeviceTimestamp", () => {
  it("prints YYYY-MM-DDTHH:MM:SS in the given zone, without zone or fraction", () => {
    const instant = Date.UTC(2026, 10, 26, 7, 12, 43, 999)
    expect(formatDeviceTimestamp(instant, 0)).toBe("2026-11-26T07:12:43")
    expect(formatDeviceTimestamp(instant, 9 * 60)).toBe("2026-11-26T16:12:43")
    expect(formatDeviceTimestamp(instant, -8 * 60)).toBe("2026-11-25T23:12:43")
    expect(formatDeviceTimestamp(Date.UTC(2026, 0, 1, 0, 0, 0), 0)).toBe("2026-01-01T00:00:00")
  })

  it("uses the host's zone when none is given", () => {
    const instant = Date.UTC(2026, 5, 1, 12, 0, 0)
    const local = new Date(instant)
    const expected = `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, "0")}-${String(local.getDate()).padStart(2, "0")}T${String(local.getHours()).padStart(2, "0")}:00:00`
    expect(formatDeviceTimestamp(instant)).toBe(expected)
  })

  it("always gives a time the pipeline's parser accepts as written", () => {
    checkProperty(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 2), max: Date.UTC(9999, 11, 30) }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (instant, offset) => {
          const text = formatDeviceTimestamp(instant, offset)
          expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/)
          const parsed = parseTimestamp(text)
          expect(parsed._tag).toBe("Success")
          if (parsed._tag === "Success") expect(parsed.success.canonical).toBe(text)
        },
      ),
    )
  })

  it("gives the hour of day in the device's zone", () => {
    expect(localHourOfDay(Date.UTC(2026, 0, 1, 6, 30), 0)).toBe(6.5)
    expect(localHourOfDay(Date.UTC(2026, 0, 1, 6, 30), 9 * 60)).toBe(15.5)
    expect(localHourOfDay(Date.UTC(2026, 0, 1, 1, 0), -2 * 60)).toBe(23)
  })
})
