/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core): the page loads,
 * the charts move as readings arrive, and changing a device's wait_time in the page reaches the
 * device through the shadow, after which it publishes at the new rate.
 *
 * With SLUICE_SCREENSHOT=path the test also saves a screenshot there (the README's picture is
 * made with `SLUICE_SCREENSHOT=docs/dashboard.png`).
 */
import { existsSync } from "node:fs"
import { mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { waitFor } from "@sluice/testkit"
import { type Browser, chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningStack, startStack } from "../../src/stack/stack.ts"

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
let stack: RunningStack
let browser: Browser
let dataDir: string

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is not at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`)
  dataDir = await mkdtemp(join(tmpdir(), "sluice-browser-"))
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
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
    ],
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

/** Readings of a device, from the dashboard's API. */
const readingTimes = async (deviceId: string) =>
  (
    (await (
      await fetch(new URL(`/api/devices/${deviceId}/readings?limit=20`, stack.dashboardUrl))
    ).json()) as Array<{ t: number }>
  ).map((point) => point.t)

describe("dashboard in Chromium", () => {
  it("shows devices, moves the charts live, and sets wait_time through the shadow", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors: string[] = []
    page.on("pageerror", (error) => errors.push(error.message))
    await page.goto(stack.dashboardUrl)
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 30_000 })
    const points = (device: string) =>
      page.evaluate(
        (d) =>
          Number(
            document.querySelector(`.chart[data-device="${d}"] .uplot`)?.getAttribute("data-points") ?? 0,
          ),
        device,
      )
    await waitFor(async () => (await points("device-1")) >= 1, {
      what: "a chart for device-1",
      timeoutMs: 30_000,
    })
    const before = await points("device-1")
    await waitFor(async () => (await points("device-1")) >= before + 2, {
      what: "device-1's chart to move",
      timeoutMs: 30_000,
    })
    expect(await page.locator("#device-rows tr").count()).toBe(2)
    await waitFor(async () => Number(await page.locator("#stat-stored").textContent()) > 0, {
      what: "the stored count",
      timeoutMs: 30_000,
    })

    // Change device-1's wait_time from 1 s to 3 s in the page.
    const row = page.locator('#device-rows tr[data-device="device-1"]')
    await row.locator("input").fill("3")
    await row.locator("button").click()
    await waitFor(async () => (await row.getAttribute("data-reported")) === "3", {
      what: "device-1 to report wait_time 3",
      timeoutMs: 30_000,
    })
    // Its next readings come three seconds apart (TIMESTAMP has one-second resolution).
    const reportedAt = (await readingTimes("device-1")).at(-1) ?? 0
    const gaps = await waitFor(
      async () => {
        const after = (await readingTimes("device-1")).filter((t) => t > reportedAt)
        return after.length >= 3 ? after.slice(1).map((t, i) => t - (after[i] as number)) : undefined
      },
      { what: "three readings at the new rate", timeoutMs: 60_000 },
    )
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(2_000)
    const other = await readingTimes("device-2")
    expect((other.at(-1) ?? 0) - (other.at(-2) ?? 0)).toBeLessThanOrEqual(2_000)

    const screenshot = process.env.SLUICE_SCREENSHOT
      ? resolve(import.meta.dirname, "../../../..", process.env.SLUICE_SCREENSHOT)
      : join(dataDir, "dashboard.png")
    await page.screenshot({ path: screenshot, fullPage: true })
    expect((await stat(screenshot)).size).toBeGreaterThan(10_000)
    expect(errors).toEqual([])
  }, 180_000)
})
