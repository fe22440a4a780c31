import { describe, expect, it } from "vitest"
import { assertThingName, fleetDeviceNames, InvalidDeviceName, thingNameProblem } from "../src/thingName.ts"

describe("device names", () => {
  it("accepts AWS IoT thing names", () => {
    for (const name of ["device-1", "a", "x".repeat(128), "Thing_01:eu-west-1", "0"]) {
      expect(thingNameProblem(name)).toBeUndefined()
    }
  })

  it("refuses other names and says why", () => {
    expect(thingNameProblem("")).toMatch(/empty/)
    expect(thingNameProblem("x".repeat(129))).toMatch(/129 characters.*at most 128/)
    expect(thingNameProblem("my device/1")).toMatch(/" ", "\/".*a-z A-Z 0-9 : _ -/)
    expect(thingNameProblem("température")).toMatch(/"é"/)
    expect(() => assertThingName("a.b")).toThrow(InvalidDeviceName)
  })

  it("names a fleet <prefix>1 … <prefix>N", () => {
    expect(fleetDeviceNames("device-", 3)).toEqual(["device-1", "device-2", "device-3"])
    expect(fleetDeviceNames("", 2)).toEqual(["1", "2"])
    expect(() => fleetDeviceNames("bad prefix ", 1)).toThrow(/contains " "/)
    expect(() => fleetDeviceNames("x".repeat(127), 10)).toThrow(/129 characters/)
  })
})
