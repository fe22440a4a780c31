import { describe, expect, it } from "vitest"
import { fleetOptionProblems } from "../src/fleetOptions.ts"
import { InvalidFleetOptions, startFleet } from "../src/index.ts"

describe("fleet options", () => {
  it("accepts the defaults and sensible values", () => {
    expect(fleetOptionProblems({})).toEqual([])
    expect(
      fleetOptionProblems({ devices: 10_000, interval: 0.5, queueLimit: 0, seed: "abc", rampUpMs: 0 }),
    ).toEqual([])
  })

  it("lists every problem at once, with the option and the value", () => {
    const problems = fleetOptionProblems({ devices: 0, interval: -1, queueLimit: 1.5, maxConnecting: 0 })
    expect(problems).toEqual([
      "devices: Expected a value between 1 and 100000 (got 0)",
      "interval: Expected a value between 0 (excluded) and 86400 (got -1)",
      "queueLimit: Expected an integer (got 1.5)",
      "maxConnecting: Expected a value between 1 and 100000 (got 0)",
    ])
  })

  it("refuses a broker and an endpoint together", () => {
    expect(fleetOptionProblems({ broker: "mqtt://x", endpoint: "y" })).toEqual([
      "broker and endpoint: give one (a broker URL, or an AWS IoT Core endpoint), not both",
    ])
  })

  it("startFleet throws before starting anything", () => {
    expect(() => startFleet({ devices: -3 })).toThrow(InvalidFleetOptions)
    expect(() => startFleet({ broker: "http://example.com" })).toThrow(
      /protocol http; expected mqtt or mqtts/,
    )
    expect(() => startFleet({ namePrefix: "a b" })).toThrow(/contains " "/)
    expect(() => startFleet({ model: "nonsense" })).toThrow(/unknown model term/)
    expect(() => startFleet({ names: ["a", "a"] })).toThrow(/share a name/)
    expect(() => startFleet({ endpoint: "example.com", certificates: { certsDir: "/nonexistent" } })).toThrow(
      /certificates directory \/nonexistent does not exist/,
    )
  })
})
