import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { makeSensor, type SensorValues } from "../src/models/sensor.ts"
import { formatModel, InvalidModel, type ModelSpec, parseModel } from "../src/models/spec.ts"
import { seededRandom } from "../src/random.ts"

const START = Date.UTC(2026, 10, 26)

/** n readings of `model` for one device, one per `stepMs`. */
const run = (
  model: string | ModelSpec,
  seed: string | number = 1,
  n = 200,
  stepMs = 1_000,
  device = "device-1",
) => {
  const sensor = makeSensor(typeof model === "string" ? parseModel(model) : model, {
    random: (purpose) => seededRandom(seed, `${device}/${purpose}`),
    utcOffsetMinutes: 0,
  })
  return { sensor, values: Array.from({ length: n }, (_, i) => sensor.read(START + i * stepMs)) }
}

const inRange = (v: SensorValues | undefined) =>
  v !== undefined &&
  Number.isInteger(v.temperature) &&
  Number.isInteger(v.humidity) &&
  v.temperature >= 15 &&
  v.temperature <= 25 &&
  v.humidity >= 40 &&
  v.humidity <= 60

describe("parseModel", () => {
  it("reads bases, modifiers and parameters", () => {
    expect(parseModel("uniform")).toEqual({ base: { kind: "uniform" } })
    expect(parseModel("walk:2+spikes:0.1+seq")).toEqual({
      base: { kind: "walk", step: 2 },
      spikes: 0.1,
      sequence: true,
    })
    expect(parseModel("dropouts")).toEqual({ base: { kind: "uniform" }, dropouts: 0.05 })
    expect(parseModel("sine + skew:30")).toEqual({ base: { kind: "sine", noise: 1 }, skewSeconds: 30 })
    expect(parseModel("decay:60+stuck")).toEqual({
      base: { kind: "decay", halfLifeSeconds: 60 },
      stuck: 0.005,
    })
  })

  it("round-trips through formatModel", () => {
    for (const text of [
      "uniform",
      "walk:1+spikes:0.01+stuck:0.005+dropouts:0.05+skew:120+seq",
      "sine:0",
      "decay:10",
    ]) {
      expect(formatModel(parseModel(text))).toBe(text)
    }
  })

  it("refuses unknown terms, bad parameters, two bases and repeats, with the reason", () => {
    expect(() => parseModel("gauss")).toThrow(/unknown model term 'gauss'.*known: uniform, walk/)
    expect(() => parseModel("spikes:2")).toThrow(/probability between 0 and 1/)
    expect(() => parseModel("walk:-1")).toThrow(/above 0/)
    expect(() => parseModel("walk:x")).toThrow(InvalidModel)
    expect(() => parseModel("walk:")).toThrow(InvalidModel)
    expect(() => parseModel("uniform:3")).toThrow(/takes no parameter/)
    expect(() => parseModel("walk+sine")).toThrow(/two base models/)
    expect(() => parseModel("seq+seq")).toThrow(/appears twice/)
    expect(() => parseModel("")).toThrow(/unknown model term ''/)
  })
})

describe("sensor models", () => {
  it("uniform is the hands-on: integers, TEMPERATURE 20±5, HUMIDITY 50±10, every value reached", () => {
    const { values } = run("uniform", 3, 2_000)
    expect(values.every(inRange)).toBe(true)
    expect(new Set(values.map((v) => v!.temperature)).size).toBe(11)
    expect(new Set(values.map((v) => v!.humidity)).size).toBe(21)
  })

  it("every base model stays in the hands-on ranges, for any seed", () => {
    checkProperty(
      fc.property(
        fc.constantFrom("uniform", "walk", "walk:3", "sine", "sine:4", "decay", "decay:5"),
        fc.integer(),
        (model, seed) => {
          expect(run(model, seed, 100, 600_000).values.every(inRange)).toBe(true)
        },
      ),
      50,
    )
  })

  it("the same seed gives the same values; another seed other values", () => {
    for (const model of ["uniform", "walk+spikes+stuck+dropouts+skew", "sine", "decay"]) {
      expect(run(model, "k").values).toEqual(run(model, "k").values)
      expect(run(model, "k").sensor.skewMs).toBe(run(model, "k").sensor.skewMs)
    }
    expect(run("uniform", "k").values).not.toEqual(run("uniform", "other").values)
    expect(run("uniform", "k", 50, 1000, "device-1").values).not.toEqual(
      run("uniform", "k", 50, 1000, "device-2").values,
    )
  })

  it("a walk moves at most one step per reading", () => {
    const { values } = run("walk", 9, 500)
    for (let i = 1; i < values.length; i++) {
      expect(Math.abs(values[i]!.temperature - values[i - 1]!.temperature)).toBeLessThanOrEqual(1)
      expect(Math.abs(values[i]!.humidity - values[i - 1]!.humidity)).toBeLessThanOrEqual(2)
    }
  })

  it("the daily sine is warmest in the afternoon and coldest at night (device-local)", () => {
    const { values } = run("sine:0", 1, 24, 3_600_000) // one reading per hour from 00:00 UTC
    const temperatures = values.map((v) => v!.temperature)
    expect(temperatures[15]).toBe(25)
    expect(temperatures[3]).toBe(15)
    expect(values[15]!.humidity).toBe(40)
  })

  it("decay falls from the top of the range to the bottom", () => {
    const { values } = run("decay:60", 1, 20, 60_000)
    expect(values[0]!.temperature).toBeGreaterThanOrEqual(24)
    expect(values[19]!.temperature).toBeLessThanOrEqual(16)
  })

  it("spikes leave the range, on roughly the asked share of readings", () => {
    const { values } = run("uniform+spikes:0.1", 5, 2_000)
    const spikes = values.filter((v) => !inRange(v))
    expect(spikes.length).toBeGreaterThan(140)
    expect(spikes.length).toBeLessThan(260)
    for (const v of spikes)
      expect(v!.temperature > 25 || v!.temperature < 15 || v!.humidity > 60 || v!.humidity < 40).toBe(true)
  })

  it("a stuck sensor repeats its value for a run of readings", () => {
    const { values } = run("uniform+stuck:0.02", 4, 2_000)
    let longest = 1
    let current = 1
    for (let i = 1; i < values.length; i++) {
      current = JSON.stringify(values[i]) === JSON.stringify(values[i - 1]) ? current + 1 : 1
      longest = Math.max(longest, current)
    }
    expect(longest).toBeGreaterThanOrEqual(10)
  })

  it("dropouts swallow roughly the asked share of readings", () => {
    const dropped = run("uniform+dropouts:0.2", 6, 2_000).values.filter((v) => v === undefined).length
    expect(dropped).toBeGreaterThan(320)
    expect(dropped).toBeLessThan(480)
  })

  it("skew is a fixed offset within the bound, different per device", () => {
    const skews = ["a", "b", "c", "d"].map(
      (device) => run("uniform+skew:30", 1, 1, 1000, device).sensor.skewMs,
    )
    for (const skew of skews) expect(Math.abs(skew)).toBeLessThanOrEqual(30_000)
    expect(new Set(skews).size).toBe(4)
    expect(run("uniform", 1).sensor.skewMs).toBe(0)
  })

  it("adding a fault model does not change the base values it leaves alone", () => {
    const plain = run("walk", 8, 300).values
    const withDropouts = run("walk+dropouts:0.3", 8, 300).values
    withDropouts.forEach((v, i) => {
      if (v !== undefined) expect(v).toEqual(plain[i])
    })
  })
})
