/**
 * Mutual TLS for real: mosquitto with certificates this test generates (openssl), demanding a
 * client certificate, and both transports — MQTT.js over mqtts:// and aws-iot-device-sdk-v2
 * with the hands-on `certs/` layout (AmazonRootCA1.pem, …-certificate.pem.crt,
 * …-private.pem.key) — publishing, honouring a shadow delta, and, for the SDK, riding out a
 * broker restart.
 */
import { copyFileSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  generateCertificates,
  type MosquittoBroker,
  startMosquitto,
  type TestCertificates,
  waitFor,
} from "@sluice/testkit"
import { afterEach, beforeAll, describe, expect, it } from "vitest"
import {
  awsIotTransport,
  type Device,
  type DeviceEvent,
  manualClock,
  mqttJsTransport,
  startDevice,
} from "../src/index.ts"
import { type Observer, observe } from "./helpers/observer.ts"

let certs: TestCertificates
let broker: MosquittoBroker | undefined
let observer: Observer | undefined
let device: Device | undefined

beforeAll(async () => {
  certs = await generateCertificates({ clients: ["tls-1", "sdk-1", "observer"] })
}, 30_000)

afterEach(async () => {
  await device?.stop(100)
  await observer?.close()
  await broker?.stop()
  device = undefined
  observer = undefined
  broker = undefined
})

const startTlsBroker = async (persistence = false) => {
  broker = await startMosquitto({
    persistence,
    tls: { caFile: certs.caFile, certFile: certs.server.certFile, keyFile: certs.server.keyFile },
  })
  const { readFileSync } = await import("node:fs")
  observer = await observe(broker.url, ["data/#", "$aws/things/+/shadow/#"], {
    ca: readFileSync(certs.caFile),
    cert: readFileSync(certs.clients.observer!.certFile),
    key: readFileSync(certs.clients.observer!.keyFile),
  })
  return broker
}

/** The hands-on layout: the files AWS IoT hands out, under the names it gives them. */
const handsOnCertsDir = (client: string) => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-handson-certs-"))
  copyFileSync(certs.caFile, join(dir, "AmazonRootCA1.pem"))
  copyFileSync(certs.clients[client]!.certFile, join(dir, "3f9a2c-certificate.pem.crt"))
  copyFileSync(certs.clients[client]!.keyFile, join(dir, "3f9a2c-private.pem.key"))
  return dir
}

const readingsOf = (name: string) =>
  observer!.on(`data/${name}`).map((m) => ({ ...JSON.parse(m.payload), qos: m.qos }))

describe("mutual TLS against mosquitto", () => {
  it("MQTT.js over mqtts:// with root CA, certificate and key", async () => {
    const b = await startTlsBroker()
    const clock = manualClock()
    device = startDevice({
      name: "tls-1",
      transport: mqttJsTransport({
        url: b.url,
        certificates: {
          rootCa: certs.caFile,
          cert: certs.clients["tls-1"]!.certFile,
          privateKey: certs.clients["tls-1"]!.keyFile,
        },
      })("tls-1"),
      clock,
    })
    await waitFor(() => readingsOf("tls-1").length === 1, { what: "a reading over mutual TLS" })
    expect(readingsOf("tls-1")[0]).toMatchObject({ DEVICE_NAME: "tls-1", qos: 1 })
    await observer!.publish(
      "$aws/things/tls-1/shadow/update/delta",
      JSON.stringify({ state: { wait_time: 2 } }),
    )
    await waitFor(() => device!.stats().waitTime === 2, { what: "delta over TLS" })
  })

  it("MQTT.js without a client certificate is refused, reported, and retried", async () => {
    const b = await startTlsBroker()
    const events: DeviceEvent[] = []
    device = startDevice({
      name: "tls-1",
      transport: mqttJsTransport({
        url: b.url,
        certificates: { rootCa: certs.caFile },
        backoff: { initialMs: 20, maxMs: 50 },
      })("tls-1"),
      onEvent: (event) => events.push(event),
    })
    await waitFor(() => events.filter((e) => e.type === "connect-failed").length >= 2, {
      what: "two refused attempts",
    })
    const failure = events.find((e) => e.type === "connect-failed")
    expect(failure?.type === "connect-failed" && failure.error.message).toMatch(
      new RegExp(`^cannot connect to ${b.url}: the broker demands a client certificate \\(mutual TLS\\)`),
    )
    expect(device.stats().connected).toBe(false)
  })

  it("aws-iot-device-sdk-v2 with the hands-on certs/ layout: publishes, follows the shadow, survives a restart", async () => {
    const b = await startTlsBroker(true)
    const clock = manualClock()
    const events: DeviceEvent[] = []
    device = startDevice({
      name: "sdk-1",
      transport: awsIotTransport({
        endpoint: `localhost:${b.port}`,
        certificates: { certsDir: handsOnCertsDir("sdk-1") },
        backoff: { initialMs: 100, maxMs: 1_000 },
      })("sdk-1"),
      clock,
      sequence: true,
      onEvent: (event) => events.push(event),
    })
    await waitFor(() => readingsOf("sdk-1").length === 1, { what: "a reading through the SDK" })
    expect(readingsOf("sdk-1")[0]).toMatchObject({ DEVICE_NAME: "sdk-1", SEQ: 0, qos: 1 })
    expect(observer!.at("$aws/things/sdk-1/shadow/get").map((m) => [m.payload, m.qos])).toEqual([["", 1]])
    expect(b.logs()).toMatch(/New client connected from 127\.0\.0\.1:\d+ as sdk-1 \(p2, c0, k300/) // 3.1.1, persistent, 300 s

    await observer!.publish(
      "$aws/things/sdk-1/shadow/update/delta",
      JSON.stringify({ state: { wait_time: 3 } }),
    )
    await waitFor(
      () => observer!.at("$aws/things/sdk-1/shadow/update").some((m) => m.payload.includes('"wait_time":3')),
      {
        what: "the SDK device's report",
      },
    )
    expect(device.stats().waitTime).toBe(3)

    await b.stop()
    await waitFor(() => !device!.stats().connected, { what: "the SDK noticing the outage" })
    await clock.advance(5_000) // the sleep begun before the delta still lasts 5 s
    await clock.advance(3_000)
    expect(device.stats().queued).toBe(2)
    await b.start()
    const seqs = () => [...new Set(readingsOf("sdk-1").map((r) => r.SEQ as number))]
    await waitFor(() => seqs().length === 3, { what: "queued readings through the SDK", timeoutMs: 20_000 })
    expect(seqs()).toEqual([0, 1, 2])
    expect(events.some((e) => e.type === "connected" && e.reconnect)).toBe(true)
  })
})
