import {
  advancedProgress,
  consumerDecision,
  eventOfItem,
  foldEvents,
  type KeyFold,
  latestState,
  mayGoLive,
  type Projection,
  registrationDecision,
  streamPosition,
  type WriteIntent,
} from "@sluice/core"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { positioned, reading, T0 } from "./historyFixtures.ts"

/** Counts readings per device and writes the count as a view. */
const counter: Projection<number> = {
  name: "counter",
  version: 1,
  initial: 0,
  apply: (n, event) => ({
    state: n + 1,
    intents: [{ _tag: "PutView", key: event.reading.deviceId, value: { n: n + 1 } }],
  }),
}

describe("folding positioned events", () => {
  const events = positioned([reading("a", T0), reading("b", T0), reading("a", T0 + 1000)])

  it("folds per key, remembering each key's position in the source", () => {
    const keys = new Map<string, KeyFold>()
    const tally = foldEvents(counter, "s", events, keys, new Map(), [])
    expect(tally).toEqual({ applied: 3, skipped: 0, last: streamPosition("3") })
    expect(keys.get("a")).toMatchObject({
      state: 2,
      positions: { s: streamPosition("3") },
      applied: 2,
      changed: true,
    })
    expect(keys.get("a")?.views.get("a")).toEqual({ n: 2 })
  })

  it("skips what a key already applied, so folding twice or in pieces equals folding once", () => {
    const once = new Map<string, KeyFold>()
    foldEvents(counter, "s", events, once, new Map(), [])
    const pieces = new Map<string, KeyFold>()
    foldEvents(counter, "s", events.slice(0, 2), pieces, new Map(), [])
    const again = foldEvents(counter, "s", events, pieces, new Map(), [])
    expect(again).toMatchObject({ applied: 1, skipped: 2 })
    expect([...pieces.values()].map((f) => f.state)).toEqual([...once.values()].map((f) => f.state))
    // Another source has positions of its own.
    const other = foldEvents(counter, "lake", events, pieces, new Map(), [])
    expect(other.applied).toBe(3)
  })

  it("starts keys from their stored state", () => {
    const keys = new Map<string, KeyFold>()
    const stored = new Map([
      ["a", { key: "a", revision: 4, state: 10, positions: { s: streamPosition("1") } }],
    ])
    foldEvents(counter, "s", events, keys, stored, [])
    expect(keys.get("a")).toMatchObject({ expectedRevision: 4, state: 11, applied: 1 })
  })

  it("collects table intents; a stateless projection applies every time", () => {
    const intents: WriteIntent[] = []
    const keys = new Map<string, KeyFold>()
    foldEvents(latestState, "s", events, keys, new Map(), intents)
    foldEvents(latestState, "s", events, keys, new Map(), intents)
    expect(intents).toHaveLength(6)
    expect(intents[0]).toMatchObject({
      _tag: "PutLatestIfNewer",
      item: { deviceId: "a", ts: "2026-11-26T07:00:00" },
    })
    expect(keys.get("a")?.positions).toEqual({})
  })
})

describe("events of stored items", () => {
  it("rebuilds the reading from the item's keys", () => {
    const event = eventOfItem({
      deviceId: "d",
      ts: "2026-11-26T07:00:01#0000000000000003",
      SEQ: 3,
      TEMPERATURE: 1,
    })
    expect(Result.isSuccess(event) && event.success).toMatchObject({
      id: "d/2026-11-26T07:00:01#0000000000000003",
      reading: { deviceId: "d", time: "2026-11-26T07:00:01", epochMs: T0 + 1000, seq: 3 },
    })
    expect(Result.isFailure(eventOfItem({ deviceId: "d", ts: "yesterday" }))).toBe(true)
  })
})

describe("registration and hand-over decisions", () => {
  const p = { ...counter, fingerprint: "f" }
  const reg = (version: number, fingerprint = "f") => ({
    projection: "counter",
    version,
    fingerprint,
    generation: 3,
  })

  it("registers new versions and configurations, and never writes under a newer one", () => {
    expect(registrationDecision(p, undefined)._tag).toBe("Register")
    expect(registrationDecision(p, reg(1))).toEqual({ _tag: "Current", generation: 3 })
    expect(registrationDecision(p, reg(1), true)._tag).toBe("Register")
    expect(registrationDecision(p, reg(1, "g"))._tag).toBe("Register")
    expect(registrationDecision(p, reg(0))._tag).toBe("Register")
    expect(registrationDecision(p, reg(2))._tag).toBe("Stale")
  })

  it("has the consumer skip a rebuilding projection and record how far it went", () => {
    const skip = consumerDecision(undefined, "s", "0009", "rebuild", 5)
    expect(skip).toEqual({
      _tag: "Skip",
      progress: {
        source: "s",
        status: "rebuilding",
        consumerSeen: "0009",
        applied: 0,
        revision: 1,
        updatedAt: 5,
      },
    })
    const stored = skip._tag === "Skip" ? skip.progress : undefined
    const again = consumerDecision(stored, "s", "0012", "rebuild", 6)
    expect(again._tag === "Skip" && again.progress).toMatchObject({ consumerSeen: "0012", revision: 2 })
    expect(consumerDecision(undefined, "s", "0009", "start-here", 5)._tag).toBe("Apply")
    expect(
      consumerDecision({ ...(stored as object), status: "live" } as never, "s", "1", "rebuild", 5)._tag,
    ).toBe("Apply")
  })

  it("lets a rebuild go live only once it has applied what the consumer passed", () => {
    const base = { source: "s", status: "rebuilding" as const, applied: 0, revision: 1, updatedAt: 0 }
    expect(mayGoLive(base)).toBe(true)
    expect(mayGoLive({ ...base, consumerSeen: "0005" })).toBe(false)
    expect(mayGoLive({ ...base, consumerSeen: "0005", position: "0004" })).toBe(false)
    expect(mayGoLive({ ...base, consumerSeen: "0005", position: "0005" })).toBe(true)
    const advanced = advancedProgress({ ...base, position: "0007" }, "s", "0006", 2, "rebuilding", 9)
    expect(advanced).toMatchObject({ position: "0007", applied: 2, revision: 2, status: "rebuilding" })
  })
})
