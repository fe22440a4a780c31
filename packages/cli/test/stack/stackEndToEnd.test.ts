/**
 * `sluice up` end to end, in-process: real MQTT clients (MQTT.js and mosquitto_pub) publish
 * hands-on readings and malformed ones; the readings reach the SQLite table, the lake (read back
 * with DuckDB) and the dashboard's API; the malformed ones reach the dead letters with reasons.
 */
import { execFile } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { sqliteDeadLetters, sqliteTable } from "@sluice/adapters-local"
import { waitFor } from "@sluice/testkit"
import mqtt from "mqtt"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningStack, startStack } from "../../src/stack/stack.ts"

const run = promisify(execFile)
let stack: RunningStack
let dataDir: string

const reading = (device: string, second: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    DEVICE_NAME: device,
    TIMESTAMP: `2026-11-26T07:12:${String(second).padStart(2, "0")}`,
    TEMPERATURE: 20 + (second % 5),
    HUMIDITY: 50 + (second % 10),
    ...extra,
  })

const api = async (path: string, init?: RequestInit) =>
  (
    await fetch(new URL(path, stack.dashboardUrl), {
      ...init,
      headers: { "content-type": "application/json" },
    })
  ).json()

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sluice-up-"))
  stack = await startStack({
    dataDir,
    host: "127.0.0.1",
    mqttPort: 0,
    httpPort: 0,
    devices: 0,
    lakeBufferHints: { sizeBytes: 1024 * 1024, intervalMs: 200 },
    pollIntervalMs: 20,
  })
})

afterAll(async () => {
  await stack?.stop()
  await rm(dataDir, { recursive: true, force: true })
})

describe("sluice up, end to end", () => {
  it("answers /healthz once it accepts messages", async () => {
    expect((await fetch(new URL("/healthz", stack.dashboardUrl))).status).toBe(200)
  })

  it("stores MQTT.js and mosquitto_pub readings in the table, the lake and the search index; dead-letters malformed ones", async () => {
    const client = await mqtt.connectAsync(stack.mqttUrl, { clientId: "device-1", clean: false })
    for (let second = 0; second < 10; second++)
      await client.publishAsync("data/device-1", reading("device-1", second), { qos: 1 })
    await client.publishAsync(
      "data/device-1",
      '{"DEVICE_NAME":"device-1","TIMESTAMP":"2026-11-26T07:13:00","TEMPERATURE":"hot","HUMIDITY":1}',
      { qos: 1 },
    )
    await client.publishAsync("data/device-1", "not json at all", { qos: 1 })
    await client.endAsync()
    const port = new URL(stack.mqttUrl).port
    for (let second = 0; second < 3; second++) {
      await run("mosquitto_pub", [
        "-h",
        "127.0.0.1",
        "-p",
        port,
        "-q",
        "1",
        "-i",
        "device-2",
        "-t",
        "data/device-2",
        "-m",
        reading("device-2", second),
      ])
    }

    const table = sqliteTable({ path: join(dataDir, "table.sqlite") })
    try {
      const stored = await waitFor(
        async () => {
          const items = await table.scan()
          return items.length === 13 ? items : undefined
        },
        { what: "13 readings in the table", timeoutMs: 20_000 },
      )
      expect(stored.filter((item) => item.deviceId === "device-1").map((item) => item.ts)).toEqual(
        Array.from({ length: 10 }, (_, s) => `2026-11-26T07:12:${String(s).padStart(2, "0")}`),
      )
      expect(stored.find((item) => item.deviceId === "device-2")).toMatchObject({
        DEVICE_NAME: "device-2",
        TEMPERATURE: 20,
        HUMIDITY: 50,
      })
      expect((await table.getLatest("device-1"))?.ts).toBe("2026-11-26T07:12:09")
    } finally {
      table.close()
    }

    const letters = sqliteDeadLetters({ path: join(dataDir, "deadletters.sqlite") })
    try {
      const dead = await waitFor(
        async () => ((await letters.list()).length >= 2 ? letters.list() : undefined),
        { what: "2 dead letters" },
      )
      const byField = new Map(dead.map((letter) => [letter.field ?? "(payload)", letter.reason]))
      expect(byField.get("TEMPERATURE")).toBe('expected a number, got the string "hot"')
      expect(byField.get("(payload)")).toMatch(/^payload is not JSON/)
      expect(dead.every((letter) => letter.source?.sequenceNumber !== undefined)).toBe(true)
    } finally {
      letters.close()
    }

    const lakeRows = await waitFor(
      async () => {
        const result = (await api("/api/query", {
          method: "POST",
          body: JSON.stringify({
            sql: "SELECT deviceId, count(*) AS n FROM telemetry WHERE TEMPERATURE IS NOT NULL GROUP BY deviceId ORDER BY deviceId",
          }),
        })) as { ok: boolean; rows: Array<{ deviceId: string; n: number }> }
        return result.ok && result.rows.reduce((sum, row) => sum + Number(row.n), 0) >= 13
          ? result.rows
          : undefined
      },
      { what: "13 readings in the lake", timeoutMs: 20_000 },
    )
    expect(lakeRows).toEqual([
      { deviceId: "device-1", n: 10 },
      { deviceId: "device-2", n: 3 },
    ])

    const points = (await api("/api/devices/device-1/readings?limit=100")) as Array<{
      fields: { TEMPERATURE: number }
    }>
    expect(points).toHaveLength(10)
    const devices = (await api("/api/devices")) as Array<{ deviceId: string }>
    expect(devices.map((d) => d.deviceId)).toEqual(["device-1", "device-2"])
    const status = (await api("/api/status")) as { received: number; stored: number; deadLettered: number }
    expect(status).toMatchObject({ received: 15, stored: 13, deadLettered: 2 })
    const metrics = await (await fetch(new URL("/metrics", stack.dashboardUrl))).text()
    expect(metrics).toContain("sluice_messages_received_total 15")
  })

  it("rejects a bad lake query with DuckDB's message", async () => {
    const result = (await api("/api/query", {
      method: "POST",
      body: JSON.stringify({ sql: "SELEKT 1" }),
    })) as { ok: boolean; error: string }
    expect(result.ok).toBe(false)
    expect(result.error).toMatch(/syntax error/i)
  })

  it("keeps the query box read-only and inside the lake", async () => {
    const query = async (sql: string) =>
      (await api("/api/query", { method: "POST", body: JSON.stringify({ sql }) })) as {
        ok: boolean
        error: string
      }
    expect((await query("SELECT * FROM read_text('/etc/hostname')")).error).toMatch(/disabled by config/)
    expect((await query(`COPY (SELECT 1) TO '${join(dataDir, "lake", "forged.csv")}'`)).error).toMatch(
      /only SELECT/,
    )
    expect((await query("SET enable_external_access = true")).ok).toBe(false)
    const crossSite = await fetch(new URL("/api/query", stack.dashboardUrl), {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: JSON.stringify({ sql: "SELECT 1" }),
    })
    expect(crossSite.status).toBe(403)
    const simple = await fetch(new URL("/api/query", stack.dashboardUrl), {
      method: "POST",
      body: '{"sql":"SELECT 1"}',
    })
    expect(simple.status).toBe(415)
  })
})
