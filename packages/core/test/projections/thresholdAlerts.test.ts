import { type AnyProjection, type JsonObject, type TelemetryEvent, thresholdAlerts } from "@sluice/core"
import { describe, expect, it } from "vitest"
import { reading, T0 } from "./historyFixtures.ts"

const run = (projection: AnyProjection, events: ReadonlyArray<TelemetryEvent>) => {
  let state = projection.initial
  const writes: Array<[string, JsonObject]> = []
  for (const event of events) {
    const applied = projection.apply(state, event)
    state = applied.state
    for (const intent of applied.intents)
      if (intent._tag === "PutView") writes.push([intent.key, intent.value])
  }
  const latest = new Map(writes)
  return { writes, latest }
}

const hot = thresholdAlerts({
  rules: [
    { name: "too-hot", field: "TEMPERATURE", max: 25 },
    { name: "humidity", field: "HUMIDITY", min: 40, max: 60 },
  ],
})
const t = (s: number) => T0 + s * 1000

describe("threshold alerts", () => {
  it("opens one alert per excursion, follows it, and closes it with the first reading back inside", () => {
    const { latest } = run(hot, [
      reading("d-1", t(0), { TEMPERATURE: 24 }),
      reading("d-1", t(5), { TEMPERATURE: 27 }),
      reading("d-1", t(10), { TEMPERATURE: 31 }),
      reading("d-1", t(15), { TEMPERATURE: 26 }),
      reading("d-1", t(20), { TEMPERATURE: 22 }),
      reading("d-1", t(25), { TEMPERATURE: 28 }),
    ])
    expect([...latest.keys()]).toEqual(["d-1/too-hot/2026-11-26T07:00:05", "d-1/too-hot/2026-11-26T07:00:25"])
    expect(latest.get("d-1/too-hot/2026-11-26T07:00:05")).toEqual({
      alertId: "d-1/too-hot/2026-11-26T07:00:05",
      deviceId: "d-1",
      rule: "too-hot",
      field: "TEMPERATURE",
      min: null,
      max: 25,
      status: "closed",
      openedAt: "2026-11-26T07:00:05",
      closedAt: "2026-11-26T07:00:20",
      readings: 3,
      peak: 31,
      last: 22,
    })
    expect(latest.get("d-1/too-hot/2026-11-26T07:00:25")).toMatchObject({
      status: "open",
      readings: 1,
      peak: 28,
    })
  })

  it("keeps rules apart and takes the value furthest outside as the peak", () => {
    const { latest } = run(hot, [
      reading("d-1", t(0), { HUMIDITY: 35 }),
      reading("d-1", t(1), { HUMIDITY: 30, TEMPERATURE: 26 }),
      reading("d-1", t(2), { HUMIDITY: 39 }),
    ])
    expect(latest.get("d-1/humidity/2026-11-26T07:00:00")).toMatchObject({
      status: "open",
      readings: 3,
      peak: 30,
      last: 39,
    })
    expect(latest.get("d-1/too-hot/2026-11-26T07:00:01")).toMatchObject({ status: "closed", readings: 1 })
  })

  it("ignores duplicates and readings older than the newest seen, as the latest state does", () => {
    const late = reading("d-1", t(3), { TEMPERATURE: 40 })
    const { writes } = run(hot, [
      reading("d-1", t(5), { TEMPERATURE: 20 }),
      late,
      reading("d-1", t(5), { TEMPERATURE: 40 }),
    ])
    expect(writes).toEqual([])
  })

  it("leaves a rule's alert alone when the field is missing or not a number", () => {
    const { latest } = run(hot, [
      reading("d-1", t(0), { TEMPERATURE: 30 }),
      reading("d-1", t(1), { TEMPERATURE: 30, HUMIDITY: 50, extra: 1 }),
    ])
    expect(latest.get("d-1/too-hot/2026-11-26T07:00:00")).toMatchObject({ status: "open", readings: 2 })
  })

  it("refuses rules without bounds, with min above max, or with a repeated name; config changes the fingerprint", () => {
    expect(() => thresholdAlerts({ rules: [{ name: "x", field: "T" }] })).toThrow(/give min, max or both/)
    expect(() => thresholdAlerts({ rules: [{ name: "x", field: "T", min: 2, max: 1 }] })).toThrow(
      /min is above max/,
    )
    expect(() =>
      thresholdAlerts({
        rules: [
          { name: "x", field: "T", max: 1 },
          { name: "x", field: "H", max: 1 },
        ],
      }),
    ).toThrow(/unique/)
    expect(() => thresholdAlerts({ rules: [{ name: "__proto__", field: "T", max: 1 }] })).toThrow(/name/)
    const a = thresholdAlerts({ rules: [{ name: "x", field: "T", max: 1 }] })
    const b = thresholdAlerts({ rules: [{ name: "x", field: "T", max: 2 }] })
    expect(a.fingerprint).not.toBe(b.fingerprint)
  })
})
