/**
 * Offline behaviour against aedes: a publish left without PUBACK is resent after the
 * connection returns (QoS 1), readings taken while the broker is away wait in the bounded
 * queue (the oldest dropped and counted beyond it), and a broker that lost the session gets
 * the shadow subscriptions again.
 */
import { waitFor } from "@sluice/testkit"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Device, type DeviceEvent, manualClock, mqttJsTransport, startDevice } from "../src/index.ts"
import { startAedes, type TestAedes } from "./helpers/aedes.ts"

const NAME = "offline-1"
let broker: TestAedes
let device: Device | undefined
let clock: ReturnType<typeof manualClock>
let events: DeviceEvent[]

const start = (queueLimit?: number) => {
  device = startDevice({
    name: NAME,
    transport: mqttJsTransport({ url: broker.url, backoff: { initialMs: 20, maxMs: 100 } })(NAME),
    clock,
    sequence: true,
    utcOffsetMinutes: 0,
    ...(queueLimit === undefined ? {} : { queueLimit }),
    onEvent: (event) => events.push(event),
  })
  return device
}
const seqs = () => broker.published(`data/${NAME}`).map((p) => JSON.parse(p.payload).SEQ as number)

beforeEach(async () => {
  broker = await startAedes()
  clock = manualClock()
  events = []
})

afterEach(async () => {
  await device?.stop(100)
  device = undefined
  await broker.stop()
})

describe("offline behaviour", () => {
  it("resends a publish still awaiting PUBACK when the connection comes back (QoS 1)", async () => {
    start()
    await waitFor(() => device!.stats().acked === 1, { what: "first reading acknowledged" })
    broker.holdAcks = true
    await clock.advance(5_000)
    await waitFor(() => device!.stats().inFlight === 1, { what: "second reading in flight" })
    broker.holdAcks = false
    broker.dropClients()
    await waitFor(() => device!.stats().acked === 2, { what: "second reading acknowledged after the resend" })
    // The held publish never reached the broker's log; its only arrival is the resend.
    expect(seqs()).toEqual([0, 1])
    expect(device!.stats()).toMatchObject({ sent: 2, acked: 2, inFlight: 0, reconnects: 1 })
    expect(events.map((e) => e.type)).toContain("connection-lost")
  })

  it("queues readings while the broker is away, drops the oldest beyond the bound (counted), delivers the rest in order", async () => {
    start(4)
    await waitFor(() => device!.stats().acked === 1, { what: "first reading" })
    await broker.stop()
    await waitFor(() => !device!.stats().connected, { what: "disconnected" })
    await clock.advance(50_000) // ten readings while offline
    expect(device!.stats()).toMatchObject({ readings: 11, queued: 4, dropped: 6 })
    expect(
      events
        .filter((e) => e.type === "dropped")
        .map((e) => (e.type === "dropped" ? JSON.parse(e.payload).SEQ : -1)),
    ).toEqual([1, 2, 3, 4, 5, 6])
    await broker.start() // same port, a fresh broker: the session is gone
    await waitFor(() => seqs().length === 5, { what: "queued readings delivered" })
    expect(seqs()).toEqual([0, 7, 8, 9, 10])
    const stats = device!.stats()
    // Every reading is accounted for: sent, still queued, dropped, or skipped by the model.
    expect(stats.readings).toBe(stats.sent + stats.queued + stats.dropped + stats.dropouts)
    await waitFor(() => stats.acked === 5 || device!.stats().acked === 5, { what: "acknowledged" })
  })

  it("subscribes again when the broker lost the session, so deltas still arrive", async () => {
    start()
    await waitFor(() => device!.stats().acked === 1, { what: "first reading" })
    await broker.stop()
    const subscribesBefore = broker.subscribes.length
    await broker.start()
    await waitFor(() => broker.subscribes.length > subscribesBefore + 2, { what: "subscriptions restored" })
    expect(broker.subscribes.slice(subscribesBefore).map((s) => [s.topic, s.qos])).toEqual(
      expect.arrayContaining([
        [`$aws/things/${NAME}/shadow/get/accepted`, 1],
        [`$aws/things/${NAME}/shadow/get/rejected`, 1],
        [`$aws/things/${NAME}/shadow/update/delta`, 1],
      ]),
    )
    await broker.publish(
      `$aws/things/${NAME}/shadow/update/delta`,
      JSON.stringify({ state: { wait_time: 9 } }),
    )
    await waitFor(() => device!.stats().waitTime === 9, { what: "delta honoured after the session was lost" })
  })

  it("reports an unreachable broker with the reason, retries with growing backoff, and connects once it is there", async () => {
    const { freePort } = await import("@sluice/testkit")
    const port = await freePort()
    device = startDevice({
      name: NAME,
      transport: mqttJsTransport({ url: `mqtt://127.0.0.1:${port}`, backoff: { initialMs: 20, maxMs: 160 } })(
        NAME,
      ),
      clock,
      onEvent: (event) => events.push(event),
    })
    await waitFor(() => events.filter((e) => e.type === "connect-failed").length >= 5, {
      what: "five failed attempts",
    })
    const failures = events.flatMap((e) => (e.type === "connect-failed" ? [e] : []))
    expect(failures[0]!.error.message).toBe(
      `cannot connect to mqtt://127.0.0.1:${port}: connection refused — is the broker running on that port? (connect ECONNREFUSED 127.0.0.1:${port})`,
    )
    const delays = failures.map((f) => f.retryInMs!)
    expect(delays[0]).toBeGreaterThanOrEqual(10)
    expect(delays[0]).toBeLessThanOrEqual(20)
    expect(delays[4]).toBeGreaterThanOrEqual(80)
    expect(device.stats()).toMatchObject({ connected: false, readings: 0 }) // readings begin with the first connection
    expect(device.stats().lastError).toMatch(/connection refused/)
    const late = await startAedes(port)
    try {
      await waitFor(() => device!.stats().acked === 1, { what: "connected and publishing" })
    } finally {
      await device.stop(100)
      device = undefined
      await late.stop()
    }
  })
})
