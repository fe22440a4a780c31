/**
 * No silent loss across kill -9 (invariant 4): QoS 1 publishers hammer a real `sluice up`
 * process, which is killed with SIGKILL mid-stream; after a restart on the same data dir,
 * every reading that was acknowledged (PUBACK received) is in the table.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { sqliteTable } from "@sluice/adapters-local"
import { freePort, waitFor } from "@sluice/testkit"
import mqtt from "mqtt"
import { afterEach, describe, expect, it } from "vitest"

const bin = resolve(import.meta.dirname, "../../bin/sluice.mjs")
const children: ChildProcess[] = []
let dataDir: string | undefined

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

/** Starts `sluice up` and resolves once it prints its dashboard URL. */
const startUp = async (dir: string, mqttPort: number) => {
  const child = spawn(
    process.execPath,
    [
      bin,
      "up",
      "--data-dir",
      dir,
      "--mqtt-port",
      String(mqttPort),
      "--http-port",
      "0",
      "--lake-interval",
      "1",
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  )
  children.push(child)
  let out = ""
  let err = ""
  child.stdout?.on("data", (chunk) => {
    out += chunk
  })
  child.stderr?.on("data", (chunk) => {
    err += chunk
  })
  const url = await waitFor(() => /dashboard\s+(\S+)/.exec(out)?.[1], {
    what: `sluice up to start (stderr: ${err})`,
    timeoutMs: 60_000,
  })
  return {
    child,
    url,
    exited: new Promise<number | null>((done) => child.once("exit", (code) => done(code))),
  }
}

const timestamp = (i: number) => new Date(Date.UTC(2026, 10, 26) + i * 1000).toISOString().slice(0, 19)

describe("sluice up survives kill -9", () => {
  it("stores every acknowledged reading after a restart", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "sluice-crash-"))
    const mqttPort = await freePort()
    const first = await startUp(dataDir, mqttPort)
    const acked = new Set<string>()
    let stopPublishing = false
    const publisher = async (device: string) => {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
        clientId: device,
        reconnectPeriod: 0,
      })
      client.on("error", () => {})
      // Publishes in flight when the broker dies never settle (no PUBACK will come): stop
      // waiting on them once the connection closes.
      const closed = new Promise<void>((done) => client.once("close", () => done()))
      const inFlight = new Set<Promise<void>>()
      for (let i = 0; !stopPublishing && client.connected; i++) {
        const ts = timestamp(i)
        const payload = JSON.stringify({ DEVICE_NAME: device, TIMESTAMP: ts, TEMPERATURE: 20, HUMIDITY: 50 })
        const sent = client
          .publishAsync(`data/${device}`, payload, { qos: 1 })
          .then(() => void acked.add(`${device}/${ts}`))
          .catch(() => {})
        inFlight.add(sent)
        void sent.finally(() => inFlight.delete(sent))
        if (inFlight.size >= 20) await Promise.race([...inFlight, closed])
      }
      client.end(true)
    }
    const publishers = ["device-1", "device-2", "device-3"].map(publisher)
    await waitFor(() => acked.size >= 300, { what: "300 acknowledged publishes", timeoutMs: 60_000 })
    first.child.kill("SIGKILL")
    await first.exited
    stopPublishing = true
    await Promise.all(publishers)
    const acknowledged = [...acked]

    await startUp(dataDir, mqttPort)
    const table = sqliteTable({ path: join(dataDir, "table.sqlite") })
    try {
      const missing = await waitFor(
        async () => {
          const stored = new Set((await table.scan()).map((item) => `${item.deviceId}/${item.ts}`))
          const lost = acknowledged.filter((key) => !stored.has(key))
          return lost.length === 0 ? lost : undefined
        },
        { what: "every acknowledged reading in the table", timeoutMs: 60_000 },
      )
      expect(missing).toEqual([])
      expect(acknowledged.length).toBeGreaterThanOrEqual(300)
    } finally {
      table.close()
    }
  }, 180_000)
})
