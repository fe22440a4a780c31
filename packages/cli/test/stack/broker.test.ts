import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { waitFor } from "@sluice/testkit"
import mqtt from "mqtt"
import { afterEach, describe, expect, it } from "vitest"
import { type AcceptedMessage, type RunningBroker, startBroker } from "../../src/stack/broker.ts"
import { openShadowStore } from "../../src/stack/shadowStore.ts"

const cleanup: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

const connect = async (url: string, clientId: string) => {
  const client = await mqtt.connectAsync(url, { clientId, clean: false, reconnectPeriod: 0 })
  cleanup.push(() => client.endAsync(true))
  return client
}

const brokerWith = async (options: Partial<Parameters<typeof startBroker>[0]> = {}) => {
  const dir = await mkdtemp(join(tmpdir(), "sluice-broker-"))
  const shadows = await openShadowStore(join(dir, "shadows"), () => 1_764_140_000_000)
  const broker: RunningBroker = await startBroker({
    host: "127.0.0.1",
    port: 0,
    accept: async () => {},
    shadow: async (thing, op, payload) =>
      (await shadows.handle(thing, op, payload)).map((m) => ({
        topic: m.topic,
        payload: JSON.stringify(m.payload),
      })),
    ...options,
  })
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  cleanup.push(() => broker.close())
  return { broker, shadows, dir }
}

describe("embedded broker", () => {
  it("sends a QoS 1 PUBACK only after the message is durably accepted", async () => {
    const events: string[] = []
    let release: (() => void) | undefined
    const accepted: AcceptedMessage[] = []
    const { broker } = await brokerWith({
      accept: (message) =>
        new Promise<void>((resolve) => {
          accepted.push(message)
          events.push("accept started")
          release = () => {
            events.push("durable")
            resolve()
          }
        }),
    })
    const client = await connect(broker.url, "device-1")
    const published = client
      .publishAsync("data/device-1", '{"TEMPERATURE":21}', { qos: 1 })
      .then(() => events.push("puback"))
    await waitFor(() => release, { what: "the broker to start the durable append" })
    expect(events).toEqual(["accept started"])
    release!()
    await published
    expect(events).toEqual(["accept started", "durable", "puback"])
    expect(accepted[0]).toMatchObject({ topic: "data/device-1", clientId: "device-1", qos: 1 })
    expect(Buffer.from(accepted[0]!.payload).toString()).toBe('{"TEMPERATURE":21}')
  })

  it("closes the connection without a PUBACK when the append fails", async () => {
    const { broker } = await brokerWith({ accept: async () => Promise.reject(new Error("disk full")) })
    const client = await connect(broker.url, "device-1")
    let acked = false
    client.publish("data/device-1", "{}", { qos: 1 }, (error) => {
      if (!error) acked = true
    })
    await waitFor(() => !client.connected, { what: "the broker to close the connection" })
    expect(acked).toBe(false)
  })

  it("answers the classic shadow protocol the hands-on device speaks", async () => {
    const { broker } = await brokerWith()
    const client = await connect(broker.url, "device-1")
    const got: Array<[string, unknown]> = []
    client.on("message", (topic, payload) =>
      got.push([topic.split("/shadow/")[1]!, JSON.parse(payload.toString())]),
    )
    await client.subscribeAsync(
      ["$aws/things/device-1/shadow/get/+", "$aws/things/device-1/shadow/update/+"],
      { qos: 1 },
    )
    await client.publishAsync("$aws/things/device-1/shadow/get", "", { qos: 1 })
    await waitFor(() => got.some(([t]) => t === "get/rejected"), { what: "get/rejected" })
    expect(got.find(([t]) => t === "get/rejected")?.[1]).toMatchObject({ code: 404 })
    await client.publishAsync("$aws/things/device-1/shadow/update", '{"state":{"desired":{"wait_time":2}}}', {
      qos: 1,
    })
    await waitFor(() => got.some(([t]) => t === "update/delta"), { what: "update/delta" })
    expect(got.find(([t]) => t === "update/delta")?.[1]).toMatchObject({
      state: { wait_time: 2 },
      version: 1,
    })
  })

  it("refuses reserved topics, and enforces the device policy when asked", async () => {
    const { broker } = await brokerWith({ policy: "device" })
    const own = await connect(broker.url, "device-1")
    await own.publishAsync("data/device-1", "{}", { qos: 1 })
    const other = await connect(broker.url, "device-2")
    other.publish("data/device-1", "{}", { qos: 1 })
    await waitFor(() => !other.connected, { what: "the broker to close a client breaking the policy" })
    const reserved = await connect(broker.url, "device-3")
    reserved.publish("$aws/events/presence/connected/x", "{}", { qos: 1 })
    await waitFor(() => !reserved.connected, { what: "the broker to refuse a reserved topic" })
  })

  it("requires credentials when configured", async () => {
    const { broker } = await brokerWith({ credentials: { username: "u", password: "p" } })
    await expect(mqtt.connectAsync(broker.url, { clientId: "x", reconnectPeriod: 0 })).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    )
    const ok = await mqtt.connectAsync(broker.url, {
      clientId: "y",
      username: "u",
      password: "p",
      reconnectPeriod: 0,
    })
    await ok.endAsync(true)
  })
})

describe("embedded broker: topics and failures", () => {
  it("closes a connection that publishes to a topic IoT Core would refuse", async () => {
    const { broker } = await brokerWith()
    for (const topic of ["data/\u0000x", `data/${"x".repeat(260)}`]) {
      const client = await connect(broker.url, `device-${topic.length}`)
      client.publish(topic, "{}", { qos: 1 })
      await waitFor(() => !client.connected, {
        what: `the broker to refuse ${JSON.stringify(topic.slice(0, 12))}`,
      })
    }
  })

  it("refuses every later message of a connection once one could not be stored, so none overtakes it", async () => {
    let calls = 0
    const { broker } = await brokerWith({
      accept: async () => {
        calls++
        if (calls === 1) throw new Error("disk error")
      },
    })
    const client = await connect(broker.url, "device-1")
    const acked: number[] = []
    for (let i = 0; i < 5; i++)
      client.publish("data/device-1", String(i), { qos: 1 }, (error) => !error && acked.push(i))
    await waitFor(() => !client.connected, { what: "the broker to close the connection" })
    expect(acked).toEqual([])
  })
})
