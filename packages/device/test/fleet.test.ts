/**
 * Fleets against aedes: one session per device, staggered and bounded starts, stats that
 * add up, a clean stop, per-device models, the same seed giving the same run, and one
 * summarised error for a fleet that cannot reach its broker.
 */
import { freePort, waitFor } from "@sluice/testkit"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Fleet, type FleetOptions, manualClock, startFleet } from "../src/index.ts"
import { startAedes, type TestAedes } from "./helpers/aedes.ts"

let broker: TestAedes
let fleet: Fleet | undefined

beforeEach(async () => {
  broker = await startAedes()
})

afterEach(async () => {
  await fleet?.stop(100)
  fleet = undefined
  await broker.stop()
})

const payloadsByDevice = () => {
  const byDevice = new Map<string, string[]>()
  for (const p of broker.published("data/"))
    byDevice.set(p.clientId, [...(byDevice.get(p.clientId) ?? []), p.payload])
  return byDevice
}

describe("a fleet", () => {
  it("runs N devices named <prefix>1…N, each its own session, staggered, and stops them cleanly", async () => {
    const clock = manualClock()
    fleet = startFleet({ broker: broker.url, devices: 20, namePrefix: "sensor-", clock, rampUpMs: 1_000 })
    expect(fleet.names).toEqual(Array.from({ length: 20 }, (_, i) => `sensor-${i + 1}`))
    await waitFor(() => fleet!.stats().connected === 1, { what: "the first device (starts at once)" })
    expect(broker.connects.map((c) => c.clientId)).toEqual(["sensor-1"])
    await clock.advance(499) // device n starts at (n - 1) × 50 ms
    await waitFor(() => fleet!.stats().connected === 10, { what: "half the fleet after half the ramp" })
    expect(broker.connects).toHaveLength(10)
    await clock.advance(501)
    await waitFor(() => fleet!.stats().connected === 20, { what: "all connected" })
    expect(new Set(broker.connects.map((c) => c.clientId)).size).toBe(20)
    expect(broker.connects.every((c) => !c.clean && c.keepalive === 300)).toBe(true)

    await waitFor(() => fleet!.stats().acked === 20, { what: "a first reading from each" })
    await clock.advance(5_000)
    await waitFor(() => fleet!.stats().acked === 40, { what: "a second reading from each" })
    const stats = fleet.stats()
    expect(stats).toMatchObject({
      devices: 20,
      connected: 20,
      readings: 40,
      sent: 40,
      queued: 0,
      dropped: 0,
      errors: 0,
    })
    expect(fleet.deviceStats("sensor-7")).toMatchObject({ name: "sensor-7", readings: 2, acked: 2 })
    for (const [device, payloads] of payloadsByDevice()) {
      expect(payloads.every((p) => JSON.parse(p).DEVICE_NAME === device)).toBe(true)
    }

    const final = await fleet.stop(500)
    expect(final.connected).toBe(0)
    await waitFor(() => broker.connects.length === 20 && final.acked === 40, { what: "final stats" })
    fleet = undefined
  })

  it("keeps at most maxConnecting handshakes in flight", async () => {
    broker.connectDelayMs = 30
    fleet = startFleet({ broker: broker.url, devices: 12, maxConnecting: 3, rampUpMs: 0, interval: 60 })
    await waitFor(() => fleet!.stats().connected === 12, { what: "all connected" })
    expect(broker.maxConcurrentConnects).toBe(3)
  })

  it("gives each device the model chosen for it (round-robin over a list)", async () => {
    fleet = startFleet({
      broker: broker.url,
      devices: 3,
      rampUpMs: 0,
      clock: manualClock(),
      model: ["uniform+seq", "walk"],
    })
    await waitFor(() => fleet!.stats().acked === 3, { what: "a reading each" })
    const first = (device: string) => JSON.parse(payloadsByDevice().get(device)![0]!)
    expect(first("device-1").SEQ).toBe(0)
    expect(first("device-2").SEQ).toBeUndefined()
    expect(first("device-3").SEQ).toBe(0)
  })

  it("gives the same readings for the same seed, and others for another seed", async () => {
    const run = async (seed: string | number) => {
      const b = await startAedes()
      const clock = manualClock(Date.UTC(2026, 10, 26, 12))
      const options: FleetOptions = {
        broker: b.url,
        devices: 3,
        seed,
        clock,
        rampUpMs: 0,
        interval: 1,
        model: "walk+spikes:0.2+stuck:0.1+dropouts:0.2+skew:60+seq",
        utcOffsetMinutes: 0,
      }
      const f = startFleet(options)
      try {
        await waitFor(() => f.stats().readings === 3, { what: "first readings" })
        for (let i = 0; i < 9; i++) await clock.advance(1_000)
        await waitFor(() => f.stats().readings === 30 && f.stats().inFlight === 0, {
          what: "ten readings each",
        })
        const byDevice: Record<string, string[]> = {}
        for (const p of b.published("data/"))
          byDevice[p.clientId] = [...(byDevice[p.clientId] ?? []), p.payload]
        return byDevice
      } finally {
        await f.stop(100)
        await b.stop()
      }
    }
    const first = await run(1234)
    const again = await run(1234)
    const other = await run(1235)
    expect(Object.keys(first).sort()).toEqual(["device-1", "device-2", "device-3"])
    expect(again).toEqual(first)
    expect(other).not.toEqual(first)
    // Dropouts leave gaps in SEQ, and skew shifts TIMESTAMP, identically in both runs.
    const seqs = first["device-1"]!.map((p) => JSON.parse(p).SEQ)
    expect(seqs.length).toBeLessThanOrEqual(10)
  })

  it("summarises the errors of a fleet that cannot reach its broker into one line with a count", async () => {
    const port = await freePort()
    fleet = startFleet({
      broker: `mqtt://127.0.0.1:${port}`,
      devices: 5,
      rampUpMs: 0,
      backoff: { initialMs: 20, maxMs: 40 },
    })
    await waitFor(() => fleet!.stats().connectFailures >= 10, { what: "failed attempts" })
    const { errorSummary } = fleet.stats()
    expect(errorSummary).toHaveLength(1)
    expect(errorSummary[0]!.message).toMatch(`cannot connect to mqtt://127.0.0.1:${port}: connection refused`)
    expect(errorSummary[0]!.count).toBeGreaterThanOrEqual(10)
    expect(fleet.stats().connected).toBe(0)
  })

  it("never shows a password from the broker URL", async () => {
    const port = await freePort()
    fleet = startFleet({
      broker: `mqtt://sim:s3cret@127.0.0.1:${port}`,
      rampUpMs: 0,
      backoff: { initialMs: 20 },
    })
    await waitFor(() => fleet!.stats().connectFailures >= 1, { what: "a failed attempt" })
    expect(fleet.target).toBe(`mqtt://sim:***@127.0.0.1:${port}`)
    expect(fleet.stats().errorSummary[0]!.message).toContain(
      `cannot connect to mqtt://sim:***@127.0.0.1:${port}:`,
    )
    expect(JSON.stringify(fleet.stats())).not.toContain("s3cret")
  })
})
