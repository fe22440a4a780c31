/**
 * Graceful shutdown of a real `sluice up` process (issue 7): on SIGINT or SIGTERM it drains,
 * writes the lake's buffers and exits 0 with its "stopped cleanly" line.
 *
 * The lake interval is an hour, so before the signal no object can have been written: every
 * gzip JSON lines object found under `<data-dir>/lake/telemetry/` afterwards was written by the
 * shutdown's drain. The readings are published at QoS 1 (acknowledged once durably appended) and
 * the test waits, bounded, until the table holds them before signalling.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { gunzipSync } from "node:zlib"
import { waitFor } from "@sluice/testkit"
import mqtt from "mqtt"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"

const bin = resolve(import.meta.dirname, "../../bin/sluice.mjs")
const children: ChildProcess[] = []
let parent: string

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), "sluice-up-shutdown-"))
})
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
})
afterAll(async () => {
  await rm(parent, { recursive: true, force: true })
})

/** Starts `sluice up` (lake interval one hour) and resolves once it prints its addresses. */
const startUp = async (dataDir: string) => {
  const child = spawn(
    process.execPath,
    [bin, "up", "--data-dir", dataDir, "--mqtt-port", "0", "--http-port", "0", "--lake-interval", "3600"],
    { stdio: ["ignore", "pipe", "pipe"] },
  )
  children.push(child)
  const output = { out: "", err: "" }
  child.stdout?.on("data", (chunk) => {
    output.out += chunk
  })
  child.stderr?.on("data", (chunk) => {
    output.err += chunk
  })
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)))
  const [dashboard, mqttUrl] = await waitFor(
    () => {
      const dashboard = /dashboard\s+(\S+)/.exec(output.out)?.[1]
      const broker = /mqtt\s+(mqtt:\S+)/.exec(output.out)?.[1]
      return dashboard !== undefined && broker !== undefined ? [dashboard, broker] : undefined
    },
    { what: `sluice up to print its addresses (stderr: ${output.err})`, timeoutMs: 60_000 },
  )
  return { child, dashboard, mqttUrl, output, exited }
}

/** Hands-on readings of one device, a second apart. */
const readings = [41, 42, 43].map((second, i) => ({
  DEVICE_NAME: "dev-1",
  TIMESTAMP: `2026-11-26T07:12:${second}`,
  TEMPERATURE: 21 + i,
  HUMIDITY: 48 + i,
}))

/** Every `.gz` data object under the lake, recursively. */
const lakeObjects = async (lakeDir: string): Promise<string[]> => {
  const root = join(lakeDir, "telemetry")
  if (!existsSync(root)) return []
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".gz"))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

/** The JSON lines of every lake object, gunzipped with node:zlib. */
const lakeLines = async (lakeDir: string) => {
  const lines: Array<Record<string, unknown>> = []
  for (const file of await lakeObjects(lakeDir)) {
    const text = gunzipSync(await readFile(file)).toString("utf8")
    for (const line of text.split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line))
  }
  return lines
}

describe("sluice up: graceful shutdown", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "on %s exits 0, says it stopped cleanly, and writes the lake buffer holding the acknowledged readings",
    async (signal) => {
      const dataDir = join(parent, signal)
      const up = await startUp(dataDir)
      const client = await mqtt.connectAsync(up.mqttUrl, { clientId: "dev-1", reconnectPeriod: 0 })
      try {
        for (const reading of readings)
          await client.publishAsync("data/dev-1", JSON.stringify(reading), { qos: 1 })
      } finally {
        await client.endAsync()
      }
      await waitFor(
        async () => {
          const status = (await (await fetch(new URL("/api/status", up.dashboard))).json()) as {
            stored: number
          }
          return status.stored >= readings.length
        },
        { what: `${readings.length} readings stored`, timeoutMs: 20_000 },
      )
      // An hour's interval: nothing can be in the lake before the signal.
      expect(await lakeObjects(join(dataDir, "lake"))).toEqual([])

      up.child.kill(signal)
      const code = await up.exited

      expect(code, up.output.err).toBe(0)
      expect(up.output.err).toContain(`sluice up: ${signal} — draining`)
      expect(up.output.err).toMatch(/sluice up: stopped cleanly \(received 3 · stored 3 · in the lake 3 /)
      const lines = await lakeLines(join(dataDir, "lake"))
      expect(
        lines.map(({ DEVICE_NAME, TIMESTAMP, TEMPERATURE, HUMIDITY }) => ({
          DEVICE_NAME,
          TIMESTAMP,
          TEMPERATURE,
          HUMIDITY,
        })),
      ).toEqual(readings)
    },
    60_000,
  )
})
