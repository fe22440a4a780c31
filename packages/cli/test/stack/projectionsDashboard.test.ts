/**
 * The stack's projections: `sluice up` keeps per-device aggregates and threshold alerts as the
 * readings arrive, serves them at `/api/devices/<id>/aggregates` and `/api/alerts`, and its
 * dashboard (in Debian's Chromium) shows them; a stopped stack's history replays into the same
 * views. The HTTP routes are also checked against a stub source.
 */
import { existsSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { JsonObject } from "@sluice/core"
import { waitFor } from "@sluice/testkit"
import { chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CommandIO } from "../../src/command.ts"
import { main } from "../../src/main.ts"
import type { DashboardSource } from "../../src/stack/http/dashboardSource.ts"
import { startHttpServer } from "../../src/stack/http/server.ts"
import { type RunningStack, startStack } from "../../src/stack/stack.ts"

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
let stack: RunningStack | undefined
let dataDir: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sluice-projections-"))
  stack = await startStack({
    dataDir,
    host: "127.0.0.1",
    mqttPort: 0,
    httpPort: 0,
    devices: 2,
    interval: 1,
    seed: 7,
    lakeBufferHints: { sizeBytes: 1024 * 1024, intervalMs: 1_000 },
    pollIntervalMs: 20,
  })
}, 120_000)

afterAll(async () => {
  await stack?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

const get = async <T>(path: string): Promise<T> =>
  (await (await fetch(new URL(path, (stack as RunningStack).dashboardUrl))).json()) as T

describe("projections in the stack", () => {
  it("keeps aggregates and alerts live, and the dashboard shows them", async () => {
    const windows = await waitFor(
      async () => {
        const found = await get<JsonObject[]>("/api/devices/device-1/aggregates?resolution=minute")
        return found.length > 0 && Number(found.at(-1)?.count) >= 3 ? found : undefined
      },
      { what: "device-1's minute aggregates", timeoutMs: 30_000 },
    )
    expect(windows.at(-1)).toMatchObject({ deviceId: "device-1", resolution: "minute", closed: false })
    expect((windows.at(-1)?.fields as Record<string, JsonObject> | undefined)?.TEMPERATURE).toMatchObject({
      min: expect.any(Number),
      mean: expect.any(Number),
      max: expect.any(Number),
    })
    // Seeded readings of 15–25 °C and 40–60 %: the demo thresholds (above 24, below 42) fire soon.
    const alerts = await waitFor(
      async () => {
        const found = await get<JsonObject[]>("/api/alerts")
        return found.length > 0 ? found : undefined
      },
      { what: "an alert", timeoutMs: 60_000 },
    )
    expect(alerts[0]).toMatchObject({
      deviceId: expect.stringMatching(/^device-/),
      readings: expect.any(Number),
    })
    expect(["temperature-high", "humidity-low"]).toContain(alerts[0]?.rule)

    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM} (or set CHROMIUM_PATH)`)
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
    })
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      const errors: string[] = []
      page.on("pageerror", (error) => errors.push(error.message))
      await page.goto((stack as RunningStack).dashboardUrl)
      await page.waitForSelector("#aggregate-rows tr", { timeout: 30_000 })
      await page.waitForSelector("#alert-rows tr", { timeout: 30_000 })
      expect(await page.locator("#aggregates-device").inputValue()).toMatch(/^device-/)
      await page.selectOption("#aggregates-resolution", "hour")
      await waitFor(async () => (await page.locator("#aggregate-rows tr").count()) === 1, {
        what: "the hour window",
        timeoutMs: 10_000,
      })
      expect(errors).toEqual([])
    } finally {
      await browser.close()
    }
  }, 180_000)

  it("replays the stopped stack's history into the same aggregates", async () => {
    await stack?.stop()
    stack = undefined
    const io: CommandIO = { stdout: () => {}, stderr: () => {}, env: {}, cwd: dataDir }
    const views = async () => {
      const out: string[] = []
      const capture: CommandIO = { ...io, stdout: (t) => out.push(t) }
      expect(
        await main(["replay", "--data-dir", dataDir, "--projection", "aggregates", "--json"], capture),
      ).toBe(0)
      return JSON.parse(out.join("")) as { projections: Array<{ applied: number; status: string }> }
    }
    // A replay catches up on whatever the stack had not consumed when it stopped…
    expect((await views()).projections).toMatchObject([{ projection: "aggregates", status: "live" }])
    // …and a rebuild from nothing then gives the same windows.
    const { sqliteProjectionStore, dataDirLayout } = await import("@sluice/adapters-local")
    const { Effect } = await import("effect")
    const read = async () => {
      const store = sqliteProjectionStore({ path: dataDirLayout(dataDir).projections })
      try {
        return await Effect.runPromise(store.service.views("aggregates"))
      } finally {
        store.close()
      }
    }
    const live = await read()
    expect(await main(["replay", "--data-dir", dataDir, "--projection", "aggregates", "--rebuild"], io)).toBe(
      0,
    )
    expect(await read()).toEqual(live)
  }, 60_000)
})

describe("projection routes", () => {
  it("serve aggregates and alerts, refuse a bad resolution, and answer 404 without projections", async () => {
    const base: DashboardSource = {
      healthy: () => true,
      status: () => ({}) as never,
      metrics: () => "",
      devices: async () => [],
      readings: async () => [],
      deadLetters: async () => [],
      setWaitTime: async () => ({ version: 1 }),
      query: async () => ({ ok: true, columns: [], rows: [] }),
      subscribe: () => () => {},
    }
    const calls: string[] = []
    const withProjections: DashboardSource = {
      ...base,
      aggregates: async (device, resolution, limit) => {
        calls.push(`${device} ${resolution} ${limit}`)
        return [{ count: 1 }]
      },
      alerts: async (limit) => {
        calls.push(`alerts ${limit}`)
        return [{ status: "open" }]
      },
    }
    for (const [source, ok] of [
      [withProjections, true],
      [base, false],
    ] as const) {
      const server = await startHttpServer(source, { host: "127.0.0.1", port: 0 })
      try {
        const status = async (path: string) => (await fetch(new URL(path, server.url))).status
        expect(await status("/api/devices/device-1/aggregates?resolution=hour&limit=5")).toBe(ok ? 200 : 404)
        expect(await status("/api/alerts?limit=3")).toBe(ok ? 200 : 404)
        if (ok) {
          expect(await status("/api/devices/device-1/aggregates?resolution=week")).toBe(400)
          expect(await status("/api/devices/bad%20name/aggregates")).toBe(400)
        }
      } finally {
        await server.close()
      }
    }
    expect(calls).toEqual(["device-1 hour 5", "alerts 3"])
  })
})
