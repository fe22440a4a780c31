import type { DeadLetter } from "@sluice/core"
import { afterEach, describe, expect, it } from "vitest"
import type { DashboardEvent, DashboardSource, PipelineStatus } from "../../src/stack/http/dashboardSource.ts"
import { renderMetrics } from "../../src/stack/http/metrics.ts"
import { type RunningHttpServer, startHttpServer } from "../../src/stack/http/server.ts"

const status: PipelineStatus = {
  received: 10,
  routed: 30,
  stored: 9,
  delivered: 8,
  deadLettered: 1,
  inFlight: 0,
  lagMs: 12,
  throughputPerSec: 2.5,
  connectedClients: 5,
  uptimeMs: 1000,
}

/** A stub source that records what the server asked of it. */
const stubSource = () => {
  const listeners = new Set<(event: DashboardEvent) => void>()
  const calls: string[] = []
  const letter: DeadLetter = { id: "x", reason: "TEMPERATURE: expected a number", payload: "e30=", at: 1 }
  const source: DashboardSource = {
    healthy: () => true,
    status: () => status,
    metrics: () => renderMetrics(status),
    devices: async () => [
      {
        deviceId: "device-1",
        lastSeen: 5,
        latest: { TEMPERATURE: 21 },
        reportedWaitTime: 5,
        desiredWaitTime: undefined,
      },
    ],
    readings: async (deviceId, limit) => {
      calls.push(`readings ${deviceId} ${limit}`)
      return [{ t: 1000, fields: { TEMPERATURE: 21, HUMIDITY: 50 } }]
    },
    deadLetters: async (limit) => {
      calls.push(`deadLetters ${limit}`)
      return [letter]
    },
    setWaitTime: async (deviceId, seconds) => {
      calls.push(`setWaitTime ${deviceId} ${seconds}`)
      return { version: 3 }
    },
    query: async (sql) =>
      sql.includes("boom")
        ? { ok: false, error: "Parser Error: boom" }
        : { ok: true, columns: ["n"], rows: [{ n: 1 }] },
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return {
    source,
    calls,
    emit: (event: DashboardEvent) => {
      for (const listener of listeners) listener(event)
    },
    listeners,
  }
}

let server: RunningHttpServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe("stack HTTP server", () => {
  it("serves the page, its assets, health, metrics and the JSON API", async () => {
    const stub = stubSource()
    server = await startHttpServer(stub.source, { host: "127.0.0.1", port: 0 })
    const get = (path: string) => fetch(new URL(path, server!.url))
    expect((await get("/healthz")).status).toBe(200)
    expect(await (await get("/")).text()).toContain("<title>Sluice")
    expect((await get("/vendor/uPlot.iife.min.js")).status).toBe(200)
    expect((await get("/app.js")).headers.get("content-type")).toMatch(/javascript/)
    const metrics = await (await get("/metrics")).text()
    expect(metrics).toContain("sluice_readings_stored_total 9")
    expect(metrics).toContain("# TYPE sluice_stream_lag_milliseconds gauge")
    expect(await (await get("/api/status")).json()).toEqual(status)
    expect(await (await get("/api/devices/device-1/readings?limit=50")).json()).toEqual([
      { t: 1000, fields: { TEMPERATURE: 21, HUMIDITY: 50 } },
    ])
    expect(stub.calls).toContain("readings device-1 50")
    const put = await fetch(new URL("/api/devices/device-1/wait_time", server.url), {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: 2 }),
    })
    expect(put.status).toBe(202)
    expect(await put.json()).toEqual({ version: 3 })
    expect(stub.calls).toContain("setWaitTime device-1 2")
  })

  it("rejects bad input with 4xx and says why", async () => {
    server = await startHttpServer(stubSource().source, { host: "127.0.0.1", port: 0 })
    const call = async (path: string, init?: RequestInit) => {
      const res = await fetch(new URL(path, server!.url), {
        ...init,
        headers: { "content-type": "application/json" },
      })
      return [res.status, await res.json()] as const
    }
    expect(await call("/api/devices/..%2Fetc/readings")).toEqual([400, { error: "not a valid device name" }])
    expect((await call("/api/devices/d/readings?limit=-1"))[0]).toBe(400)
    expect(await call("/api/devices/d/wait_time", { method: "PUT", body: '{"value":"soon"}' })).toEqual([
      400,
      { error: "value must be a number of seconds in (0, 86400], or null to reset" },
    ])
    expect(await call("/api/devices/d/wait_time", { method: "PUT", body: "nope" })).toEqual([
      400,
      { error: "body is not JSON" },
    ])
    expect(
      await call("/api/query", { method: "POST", body: JSON.stringify({ sql: "select boom" }) }),
    ).toEqual([400, { ok: false, error: "Parser Error: boom" }])
    expect((await call("/api/nothing"))[0]).toBe(404)
  })

  it("requires the token on everything but /healthz when one is set", async () => {
    server = await startHttpServer(stubSource().source, { host: "127.0.0.1", port: 0, token: "s3cret" })
    expect((await fetch(new URL("/healthz", server.url))).status).toBe(200)
    expect((await fetch(new URL("/api/status", server.url))).status).toBe(401)
    expect((await fetch(new URL("/", server.url))).status).toBe(401)
    expect((await fetch(new URL("/api/status?token=s3cret", server.url))).status).toBe(200)
    expect(
      (await fetch(new URL("/api/status", server.url), { headers: { authorization: "Bearer s3cret" } }))
        .status,
    ).toBe(200)
  })

  it("streams events over SSE and stops listening when the client goes", async () => {
    const stub = stubSource()
    server = await startHttpServer(stub.source, { host: "127.0.0.1", port: 0 })
    const controller = new AbortController()
    const res = await fetch(new URL("/events", server.url), { signal: controller.signal })
    expect(res.headers.get("content-type")).toBe("text/event-stream")
    const reader = res.body!.getReader()
    expect(stub.listeners.size).toBe(1)
    stub.emit({ type: "reading", data: { deviceId: "device-1", t: 1, fields: { TEMPERATURE: 20 } } })
    let text = ""
    while (!text.includes("event: reading")) text += new TextDecoder().decode((await reader.read()).value)
    expect(text).toContain('data: {"deviceId":"device-1","t":1,"fields":{"TEMPERATURE":20}}')
    controller.abort()
    const { waitFor } = await import("@sluice/testkit")
    await waitFor(() => stub.listeners.size === 0, { what: "the SSE listener to be removed" })
  })
})
