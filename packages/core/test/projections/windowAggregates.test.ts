import {
  type AggregatesState,
  type AnyProjection,
  type JsonObject,
  type TelemetryEvent,
  windowAggregates,
} from "@sluice/core"
import { checkProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { reading, T0 } from "./historyFixtures.ts"

/** Folds events for one key; returns the final state and the last value written to each view. */
const fold = (projection: AnyProjection, events: ReadonlyArray<TelemetryEvent>) => {
  let state = projection.initial
  const views = new Map<string, JsonObject>()
  for (const event of events) {
    const applied = projection.apply(state, event)
    state = applied.state
    for (const intent of applied.intents) if (intent._tag === "PutView") views.set(intent.key, intent.value)
  }
  return { state: state as AggregatesState, views }
}

const minute = (view: JsonObject | undefined) => view?.fields as Record<string, JsonObject> | undefined

describe("window aggregates", () => {
  const aggregates = windowAggregates()

  it("counts, and takes min, max and mean of each numeric field per minute and per hour", () => {
    const { views } = fold(aggregates, [
      reading("d-1", T0 + 1_000, { TEMPERATURE: 20, HUMIDITY: 40 }),
      reading("d-1", T0 + 30_000, { TEMPERATURE: 23, HUMIDITY: 50, SEQ: 4 }),
      reading("d-1", T0 + 61_000, { TEMPERATURE: 21, HUMIDITY: 60, note: "text is not a measure" }),
    ])
    const first = views.get("d-1/minute/2026-11-26T07:00:00.000Z")
    expect(first).toMatchObject({ deviceId: "d-1", resolution: "minute", count: 2, closed: false })
    expect(first?.start).toBe("2026-11-26T07:00:00.000Z")
    expect(first?.end).toBe("2026-11-26T07:01:00.000Z")
    expect(minute(first)).toEqual({
      HUMIDITY: { count: 2, min: 40, max: 50, mean: 45 },
      TEMPERATURE: { count: 2, min: 20, max: 23, mean: 21.5 },
    })
    expect(views.get("d-1/hour/2026-11-26T07:00:00.000Z")).toMatchObject({
      count: 3,
      fields: { TEMPERATURE: { count: 3, min: 20, max: 23, mean: 64 / 3 } },
    })
  })

  it("counts a duplicate reading once", () => {
    const r = reading("d-1", T0 + 5_000, { TEMPERATURE: 30 })
    const { views } = fold(aggregates, [r, reading("d-1", T0 + 6_000), r])
    expect(views.get("d-1/minute/2026-11-26T07:00:00.000Z")?.count).toBe(2)
  })

  it("closes a window once the device's time passes its end plus the allowed lateness, and drops later readings with a reason", () => {
    const projection = windowAggregates({ allowedLatenessMs: 30_000 })
    const { views, state } = fold(projection, [
      reading("d-1", T0 + 10_000),
      reading("d-1", T0 + 80_000), // 07:01:20 — the 07:00 minute still takes readings until 07:01:30
      reading("d-1", T0 + 20_000), // on time
      reading("d-1", T0 + 95_000), // passes 07:01:30: the 07:00 minute closes
      reading("d-1", T0 + 30_000, { TEMPERATURE: 99 }), // late
    ])
    expect(views.get("d-1/minute/2026-11-26T07:00:00.000Z")).toMatchObject({ count: 2, closed: true })
    expect(minute(views.get("d-1/minute/2026-11-26T07:00:00.000Z"))?.TEMPERATURE).toMatchObject({ max: 20 })
    const late = views.get("d-1/late")
    expect(late).toMatchObject({ deviceId: "d-1", late: 1 })
    expect((late?.lastLate as JsonObject | undefined)?.reason).toMatch(
      /^late: its minute window ended more than 30000 ms before/,
    )
    // The late reading is in no window, the hour included: an hour is the sum of its minutes.
    expect(views.get("d-1/hour/2026-11-26T07:00:00.000Z")?.count).toBe(4)
    expect(state.late).toBe(1)
    expect(Object.keys(state.open.minute ?? {})).toEqual([String(T0 + 60_000)])
  })

  it("keeps devices apart", () => {
    const a = fold(aggregates, [reading("d-1", T0, { TEMPERATURE: 1 })]).views
    const b = fold(aggregates, [reading("d-2", T0, { TEMPERATURE: 2 })]).views
    expect([...a.keys()]).toEqual([
      "d-1/minute/2026-11-26T07:00:00.000Z",
      "d-1/hour/2026-11-26T07:00:00.000Z",
    ])
    expect([...b.keys()][0]).toBe("d-2/minute/2026-11-26T07:00:00.000Z")
  })

  it("gives the same windows, bit for bit, for any order within the allowed lateness (property)", () =>
    checkProperty(
      fc.property(
        // Distinct seconds: two different readings with one id would be order-dependent by design.
        fc.uniqueArray(
          fc.record({
            second: fc.integer({ min: 0, max: 100 }),
            t: fc.double({ min: -40, max: 60, noNaN: true }),
          }),
          { minLength: 1, maxLength: 30, selector: (s) => s.second },
        ),
        fc.context(),
        (specs, ctx) => {
          const events = specs.map((s) => reading("d-1", T0 + s.second * 1000, { TEMPERATURE: s.t }))
          // Lateness of 3 minutes covers any disorder within 100 s.
          const projection = windowAggregates({ allowedLatenessMs: 180_000 })
          const shuffled = [...events].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)).reverse()
          ctx.log(`${events.length} readings`)
          expect(fold(projection, shuffled).views).toEqual(fold(projection, events).views)
        },
      ),
    ))

  it("refuses resolutions that do not divide evenly, and negative lateness", () => {
    expect(() =>
      windowAggregates({
        resolutions: [
          { name: "minute", ms: 60_000 },
          { name: "odd", ms: 90_000 },
        ],
      }),
    ).toThrow(/multiple of minute/)
    expect(() => windowAggregates({ allowedLatenessMs: -1 })).toThrow(/allowedLatenessMs/)
    expect(windowAggregates({ allowedLatenessMs: 1 }).fingerprint).not.toBe(windowAggregates().fingerprint)
  })
})
