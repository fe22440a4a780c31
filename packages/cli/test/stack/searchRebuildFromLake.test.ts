/**
 * The dashboard's search index is rebuilt from the lake at start (issue 7): the index lives in
 * memory, so a stack started on an existing data dir fills it from the lake before it accepts
 * anything, and the readings API (`/api/devices/<id>/readings`, served by the index) answers
 * with the history at once.
 *
 * The first stack's lake interval is an hour, so its lake objects are the ones `stop()` writes.
 * Before the restart the `search` stream is removed, as its retention would have trimmed old
 * records: the index's only source for those readings is then the lake.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { dataDirLayout } from "@sluice/adapters-local"
import { waitFor } from "@sluice/testkit"
import mqtt from "mqtt"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { SEARCH_STREAM_NAME } from "../../src/stack/pipelineParts.ts"
import { type RunningStack, startStack } from "../../src/stack/stack.ts"

let dataDir: string
const running: RunningStack[] = []

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sluice-search-rebuild-"))
})
afterAll(async () => {
  for (const stack of running.splice(0)) await stack.stop()
  await rm(dataDir, { recursive: true, force: true })
})

const start = async (log: string[]) => {
  const stack = await startStack({
    dataDir,
    host: "127.0.0.1",
    mqttPort: 0,
    httpPort: 0,
    devices: 0,
    lakeBufferHints: { sizeBytes: 1024 * 1024, intervalMs: 3_600_000 },
    pollIntervalMs: 20,
    log: (line) => log.push(line),
  })
  running.push(stack)
  return stack
}

const stopLast = async () => {
  await running.pop()?.stop()
}

/** Hands-on readings, two devices, a second apart. */
const readings = [0, 1, 2, 3, 4].map((i) => ({
  DEVICE_NAME: i % 2 === 0 ? "dev-1" : "dev-2",
  TIMESTAMP: `2026-11-26T07:12:4${i}`,
  TEMPERATURE: 21 + i,
  HUMIDITY: 48 - i,
}))

const readingsOf = async (stack: RunningStack, device: string) =>
  (await (await fetch(new URL(`/api/devices/${device}/readings`, stack.dashboardUrl))).json()) as Array<{
    t: number
    fields: Record<string, unknown>
  }>

describe("sluice up: the search index after a restart", () => {
  it("is rebuilt from the lake at start, so the readings and devices APIs answer with the history before any new publish", async () => {
    const first = await start([])
    const client = await mqtt.connectAsync(first.mqttUrl, { clientId: "publisher", reconnectPeriod: 0 })
    try {
      for (const reading of readings)
        await client.publishAsync(`data/${reading.DEVICE_NAME}`, JSON.stringify(reading), { qos: 1 })
    } finally {
      await client.endAsync()
    }
    await waitFor(() => first.status().stored >= readings.length, {
      what: `${readings.length} readings stored`,
      timeoutMs: 20_000,
    })
    await stopLast()
    expect(first.status().delivered).toBe(readings.length)
    await rm(dataDirLayout(dataDir).stream(SEARCH_STREAM_NAME), { recursive: true, force: true })

    const log: string[] = []
    const second = await start(log)
    expect(log).toContain(`search index: rebuilt ${readings.length} documents from the lake`)
    expect(second.status().received).toBe(0)
    // The device list knows them too, last seen at their newest reading.
    const devices = (await (await fetch(new URL("/api/devices", second.dashboardUrl))).json()) as Array<{
      deviceId: string
      lastSeen?: number
    }>
    expect(devices.map((device) => [device.deviceId, device.lastSeen])).toEqual(
      ["dev-1", "dev-2"].map((device) => {
        const newest = readings.filter((reading) => reading.DEVICE_NAME === device).at(-1)?.TIMESTAMP
        return [device, Date.parse(`${newest}Z`)]
      }),
    )
    for (const device of ["dev-1", "dev-2"]) {
      const points = await readingsOf(second, device)
      expect(
        points.map((point) => ({
          t: new Date(point.t).toISOString().slice(0, 19),
          TEMPERATURE: point.fields.TEMPERATURE,
          HUMIDITY: point.fields.HUMIDITY,
        })),
        device,
      ).toEqual(
        readings
          .filter((reading) => reading.DEVICE_NAME === device)
          .map((reading) => ({
            t: reading.TIMESTAMP,
            TEMPERATURE: reading.TEMPERATURE,
            HUMIDITY: reading.HUMIDITY,
          })),
      )
    }
  })
})
