/**
 * Hostile input against a real running stack (`startStack`, MQTT.js publishers, the HTTP API):
 * every corpus payload is stored or dead-lettered with its reason, hostile topics are refused
 * or dropped, hostile shadow topics write no file, hostile HTTP requests get their 4xx, and
 * hostile rules files are refused with the path of the problem. Throughout: the stack keeps
 * serving, nothing is written outside its data dir, and no prototype is polluted.
 */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { sqliteDeadLetters, sqliteTable } from "@sluice/adapters-local"
import { DEVICE_NAME_PATTERN } from "@sluice/core"
import { waitFor } from "@sluice/testkit"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningStack, StackConfigError, startStack } from "../../src/stack/stack.ts"
import { httpRequests, payloadBytes, payloads, publishOnce, rulesFiles, topics } from "./corpus.ts"

/**
 * Gaps in packages/cli/src/stack found by this suite, reported to its owner rather than fixed
 * here; each case is still sent, and the stack must keep serving after it.
 * - A payload whose SELECT output cannot be serialised (100,000 nested arrays: JSON.stringify
 *   overflows the stack in ruleActions.ts) is refused like a transient failure — no PUBACK, the
 *   connection closed — so its device resends it forever instead of it being dead-lettered.
 * - aedes accepts a topic with U+0000, which MQTT 3.1.1 §1.5.3 says must close the connection,
 *   and topics over IoT Core's 256 bytes (their long partition key is then dead-lettered).
 * - A device name with bad percent-encoding makes `decodeURIComponent` throw: 500, not 400.
 */
const KNOWN_GAP_PAYLOADS = new Set(["deeply nested arrays (stack exhaustion attempt)"])
const knownGapTopic = (topic: string) => topic.includes("\u0000") || Buffer.byteLength(topic) > 256
const KNOWN_GAP_PATHS = new Set(["/api/devices/%E0%A4%A/readings"])

/** A payload as the rules engine forwards it: JSON is re-serialised (1e999 becomes null). */
const forwarded = (bytes: Buffer): string => {
  try {
    return Buffer.from(JSON.stringify(JSON.parse(bytes.toString("utf8")))).toString("base64")
  } catch {
    return bytes.toString("base64")
  }
}

let parent: string
let dataDir: string
let stack: RunningStack
const baseline = new Set(Object.getOwnPropertyNames(Object.prototype))
const prototypeClean = () =>
  Object.getOwnPropertyNames(Object.prototype).every((key) => baseline.has(key)) &&
  ({} as Record<string, unknown>).polluted === undefined

beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), "sluice-hostile-"))
  dataDir = join(parent, "data")
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
  await rm(parent, { recursive: true, force: true })
})

describe("a running stack under hostile input", () => {
  it("stores valid corpus payloads and dead-letters the others with their reasons", async () => {
    const cases = payloads()
    for (const [i, c] of cases.entries()) {
      // Each case from its own client, so a refusal of one never hides another.
      const outcome = await publishOnce(stack.mqttUrl, `hostile-${i}`, "data/device-1", payloadBytes(c))
      if (!KNOWN_GAP_PAYLOADS.has(c.name)) expect(outcome, c.name).toBe("acked")
    }
    const invalid = cases.filter((c) => c.expect === "invalid" && !KNOWN_GAP_PAYLOADS.has(c.name))
    const letters = sqliteDeadLetters({ path: join(dataDir, "deadletters.sqlite") })
    try {
      const dead = await waitFor(
        async () => {
          const list = await letters.list()
          return list.length >= invalid.length ? list : undefined
        },
        { what: `${invalid.length} dead letters`, timeoutMs: 30_000 },
      )
      const byPayload = new Map(dead.map((letter) => [letter.payload, letter]))
      for (const c of invalid) {
        const letter =
          byPayload.get(forwarded(payloadBytes(c))) ?? byPayload.get(payloadBytes(c).toString("base64"))
        expect(letter?.reason, c.name).toBeTruthy()
        if (c.field !== undefined) expect(letter?.field, c.name).toBe(c.field)
      }
    } finally {
      letters.close()
    }
    expect(prototypeClean()).toBe(true)
  }, 60_000)

  it("refuses publishes to topics a client may not publish to, and keeps serving", async () => {
    for (const [i, c] of topics().entries()) {
      const outcome = await publishOnce(
        stack.mqttUrl,
        `topic-${i}`,
        c.topic,
        payloadBytes(payloads()[0] as never),
      )
      if (!c.valid && !knownGapTopic(c.topic)) expect(outcome, JSON.stringify(c.topic)).toBe("refused")
    }
    expect(
      await publishOnce(
        stack.mqttUrl,
        "after-topics",
        "data/device-9",
        Buffer.from(
          '{"DEVICE_NAME":"device-9","TIMESTAMP":"2026-11-26T07:12:44","TEMPERATURE":1,"HUMIDITY":2}',
        ),
      ),
    ).toBe("acked")
    expect((await fetch(new URL("/healthz", stack.dashboardUrl))).status).toBe(200)
  }, 60_000)

  it("answers hostile HTTP requests with their 4xx, never a 500", async () => {
    const answers: Array<{ path: string; status: number }> = []
    const expected: Array<{ path: string; status: number }> = []
    for (const request of httpRequests()) {
      if (KNOWN_GAP_PATHS.has(request.path)) continue
      const body = request.bodyBytes !== undefined ? "x".repeat(request.bodyBytes) : request.body
      const response = await fetch(new URL(request.path, stack.dashboardUrl), {
        method: request.method,
        ...(body === undefined ? {} : { body, headers: { "content-type": "application/json" } }),
      })
      answers.push({ path: `${request.method} ${request.path.slice(0, 80)}`, status: response.status })
      expected.push({ path: `${request.method} ${request.path.slice(0, 80)}`, status: request.status })
      await response.arrayBuffer()
    }
    expect(answers).toEqual(expected)
    for (const path of KNOWN_GAP_PATHS)
      expect((await fetch(new URL(path, stack.dashboardUrl))).status).toBeLessThan(600)
    expect((await fetch(new URL("/healthz", stack.dashboardUrl))).status).toBe(200)
    expect(prototypeClean()).toBe(true)
  }, 60_000)

  it("wrote nothing outside its data dir, and only thing names became file names", async () => {
    expect(await readdir(parent)).toEqual(["data"])
    const shadows = await readdir(join(dataDir, "shadows")).catch(() => [] as string[])
    for (const name of shadows.filter((n) => n.endsWith(".json")))
      expect(DEVICE_NAME_PATTERN.test(name.slice(0, -".json".length)), name).toBe(true)
    const table = sqliteTable({ path: join(dataDir, "table.sqlite") })
    try {
      for (const item of await table.scan()) expect(DEVICE_NAME_PATTERN.test(item.deviceId)).toBe(true)
    } finally {
      table.close()
    }
  })
})

describe("hostile rules files", () => {
  it("refuses each one that is invalid or unsafe, naming the problem", async () => {
    for (const [i, c] of rulesFiles().entries()) {
      if (c.text === undefined) continue
      const rulesFile = join(parent, `rules-${i}.json`)
      await writeFile(rulesFile, c.text)
      const started = startStack({
        dataDir: join(parent, `rules-data-${i}`),
        host: "127.0.0.1",
        mqttPort: 0,
        httpPort: 0,
        devices: 0,
        rulesFile,
      })
      if (c.issue === null && !c.stackRefuses) {
        await (await started).stop()
        continue
      }
      const error = await started.then(
        async (running) => {
          await running.stop()
          return undefined
        },
        (e: unknown) => e,
      )
      expect(error, c.name).toBeInstanceOf(StackConfigError)
      const message = (error as Error).message
      if (c.issue === "(file)") expect(message, c.name).toMatch(/not JSON|not valid/)
      else if (c.issue !== null) expect(message, c.name).toContain(c.issue)
    }
  }, 60_000)
})
