/**
 * The hands-on device against aedes in-process, on a manual clock: what it connects with,
 * what it publishes where, and the shadow wait_time protocol step by step (the test plays
 * the cloud's part: get answers and deltas).
 */
import { waitFor } from "@sluice/testkit"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Device, type DeviceEvent, manualClock, mqttJsTransport, startDevice } from "../src/index.ts"
import { startAedes, type TestAedes } from "./helpers/aedes.ts"

const NAME = "handson-1"
const SHADOW = `$aws/things/${NAME}/shadow`
const START = Date.UTC(2026, 10, 26, 7, 0, 0)

let broker: TestAedes
let device: Device | undefined
let clock: ReturnType<typeof manualClock>
let events: DeviceEvent[]

const start = (extra: Partial<Parameters<typeof startDevice>[0]> = {}) => {
  const name = extra.name ?? NAME
  device = startDevice({
    name,
    transport: mqttJsTransport({ url: broker.url })(name),
    clock,
    seed: 1,
    utcOffsetMinutes: 0,
    onEvent: (event) => events.push(event),
    ...extra,
  })
  return device
}

const readings = () => broker.published(`data/${NAME}`).map((p) => JSON.parse(p.payload))
const reports = () => broker.published(`${SHADOW}/update`).map((p) => p.payload)
const readingCount = (n: number) => waitFor(() => readings().length >= n, { what: `${n} readings` })

beforeEach(async () => {
  broker = await startAedes()
  clock = manualClock(START)
  events = []
})

afterEach(async () => {
  await device?.stop(100)
  device = undefined
  await broker.stop()
})

describe("the hands-on device", () => {
  it("connects with client id = name, a persistent session, keep-alive 300 s, MQTT 3.1.1", async () => {
    start()
    await waitFor(() => device!.stats().connected, { what: "connected" })
    expect(broker.connects).toEqual([{ clientId: NAME, clean: false, keepalive: 300, protocolVersion: 4 }])
  })

  it("starts the shadow protocol in the hands-on order, every subscribe and publish at QoS 1", async () => {
    start()
    await readingCount(1)
    expect(broker.log.slice(0, 5)).toEqual([
      `subscribe ${SHADOW}/get/accepted q1`,
      `subscribe ${SHADOW}/get/rejected q1`,
      `publish ${SHADOW}/get q1`,
      `subscribe ${SHADOW}/update/delta q1`,
      `publish data/${NAME} q1`,
    ])
    expect(broker.published(`${SHADOW}/get`)[0]?.payload).toBe("")
  })

  it("publishes the hands-on payload to data/<name> at QoS 1, then sleeps wait_time (5 s)", async () => {
    start()
    await readingCount(1)
    await clock.advance(4_999)
    expect(readings()).toHaveLength(1)
    await clock.advance(1)
    await readingCount(2)
    await clock.advance(5_000)
    await readingCount(3)
    const published = broker.published("data/")
    expect(published.every((p) => p.topic === `data/${NAME}` && p.qos === 1 && p.clientId === NAME)).toBe(
      true,
    )
    expect(published.map((p) => Object.keys(JSON.parse(p.payload)))).toEqual(
      Array(3).fill(["DEVICE_NAME", "TIMESTAMP", "TEMPERATURE", "HUMIDITY"]),
    )
    expect(readings().map((r) => r.TIMESTAMP)).toEqual([
      "2026-11-26T07:00:00",
      "2026-11-26T07:00:05",
      "2026-11-26T07:00:10",
    ])
    for (const r of readings()) {
      expect(r.DEVICE_NAME).toBe(NAME)
      expect(Number.isInteger(r.TEMPERATURE) && r.TEMPERATURE >= 15 && r.TEMPERATURE <= 25).toBe(true)
      expect(Number.isInteger(r.HUMIDITY) && r.HUMIDITY >= 40 && r.HUMIDITY <= 60).toBe(true)
    }
    await waitFor(() => device!.stats().acked === 3, { what: "3 PUBACKs" })
  })

  it("adds SEQ, 0, 1, 2 …, when asked", async () => {
    start({ sequence: true })
    await readingCount(1)
    await clock.advance(10_000)
    await readingCount(3)
    expect(readings().map((r) => r.SEQ)).toEqual([0, 1, 2])
  })

  it("follows the shadow step by step: 404 → reports the default; a delta changes the interval and is reported; null resets", async () => {
    start()
    await readingCount(1) // t = 0 s, sleeping the default 5 s

    // 1. No shadow yet: the cloud answers get with 404, the device reports its default.
    await broker.publish(`${SHADOW}/get/rejected`, JSON.stringify({ code: 404, message: "No shadow exists" }))
    await waitFor(() => reports().length === 1, { what: "report of the default" })
    expect(reports()[0]).toBe('{"state":{"reported":{"wait_time":5}}}')

    // 2. A delta asks for 2 s: adopted and reported at once, effective from the next sleep.
    await broker.publish(`${SHADOW}/update/delta`, JSON.stringify({ version: 2, state: { wait_time: 2 } }))
    await waitFor(() => reports().length === 2, { what: "report of wait_time 2" })
    expect(reports()[1]).toBe('{"state":{"reported":{"wait_time":2}}}')
    expect(device!.stats().waitTime).toBe(2)
    await clock.advance(5_000) // the sleep already begun still lasts 5 s
    await readingCount(2)
    await clock.advance(1_999)
    expect(readings()).toHaveLength(2)
    await clock.advance(1)
    await readingCount(3) // t = 7 s
    await clock.advance(2_000)
    await readingCount(4) // t = 9 s

    // 3. A null wait_time resets to the default, reported as 5.
    await broker.publish(`${SHADOW}/update/delta`, JSON.stringify({ version: 3, state: { wait_time: null } }))
    await waitFor(() => reports().length === 3, { what: "report of the reset" })
    expect(reports()[2]).toBe('{"state":{"reported":{"wait_time":5}}}')
    await clock.advance(2_000)
    await readingCount(5) // t = 11 s, the 2 s sleep ended
    await clock.advance(4_999)
    expect(readings()).toHaveLength(5)
    await clock.advance(1)
    await readingCount(6) // t = 16 s
    expect(readings().map((r) => r.TIMESTAMP.slice(-2))).toEqual(["00", "05", "07", "09", "11", "16"])
    expect(broker.published(`${SHADOW}/update`).every((p) => p.qos === 1)).toBe(true)
    expect(
      events.filter((e) => e.type === "wait-time").map((e) => (e.type === "wait-time" ? e.waitTime : 0)),
    ).toEqual([5, 2, 5])
  })

  it("takes wait_time from get/accepted: delta (reported back), else desired, else reported", async () => {
    start()
    await readingCount(1)
    const accepted = (state: unknown) =>
      broker.publish(`${SHADOW}/get/accepted`, JSON.stringify({ state, version: 4 }))
    await accepted({ desired: { wait_time: 3 }, reported: { wait_time: 8 }, delta: { wait_time: 3 } })
    await waitFor(() => reports().length === 1, { what: "report of the delta" })
    expect(reports()[0]).toBe('{"state":{"reported":{"wait_time":3}}}')
    expect(device!.stats().waitTime).toBe(3)
    await accepted({ desired: { wait_time: 4 }, reported: { wait_time: 4 } })
    await waitFor(() => device!.stats().waitTime === 4, { what: "desired" })
    await accepted({ reported: { wait_time: 6 } })
    await waitFor(() => device!.stats().waitTime === 6, { what: "reported" })
    expect(reports()).toHaveLength(1) // nothing to reconcile when the value came from desired or reported
  })

  it("against a plain broker that never answers get, keeps 5 s and still honours deltas", async () => {
    start()
    await readingCount(1)
    await clock.advance(10_000)
    await readingCount(3)
    expect(readings().map((r) => r.TIMESTAMP.slice(-2))).toEqual(["00", "05", "10"])
    await broker.publish(`${SHADOW}/update/delta`, JSON.stringify({ state: { wait_time: 1 } }))
    await waitFor(() => reports().includes('{"state":{"reported":{"wait_time":1}}}'), { what: "report" })
    await clock.advance(5_000)
    await readingCount(4)
    await clock.advance(1_000)
    await readingCount(5)
    expect(readings().map((r) => r.TIMESTAMP.slice(-2))).toEqual(["00", "05", "10", "15", "16"])
  })

  it("refuses a wait_time it cannot sleep, keeps its interval and counts the error", async () => {
    start()
    await readingCount(1)
    await broker.publish(`${SHADOW}/update/delta`, JSON.stringify({ state: { wait_time: "10" } }))
    await waitFor(() => device!.stats().errors === 1, { what: "error counted" })
    expect(device!.stats().waitTime).toBe(5)
    expect(device!.stats().lastError).toMatch(/wait_time must be a number, got "10"/)
    expect(reports()).toEqual([])
    expect(events.some((e) => e.type === "shadow-error")).toBe(true)
  })

  it("uses its own default interval, which a null delta resets to", async () => {
    start({ waitTime: 2 })
    await readingCount(1)
    await broker.publish(`${SHADOW}/update/delta`, JSON.stringify({ state: { wait_time: null } }))
    await waitFor(() => reports().length === 1, { what: "report" })
    expect(reports()[0]).toBe('{"state":{"reported":{"wait_time":2}}}')
  })

  it("refuses a name that is not an AWS IoT thing name", () => {
    expect(() => start({ name: "my device" })).toThrow(/AWS IoT thing names allow only/)
    expect(() => start({ waitTime: 0 })).toThrow(/interval/)
  })
})
