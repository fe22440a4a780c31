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
import { DEVICE_NAME_PATTERN, type DeadLetter } from "@sluice/core"
import { waitFor } from "@sluice/testkit"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RunningStack, StackConfigError, startStack } from "../../src/stack/stack.ts"
import { httpRequests, payloadBytes, payloads, publishOnce, rulesFiles, topics } from "./corpus.ts"

/*
 * This suite once listed gaps it found in the stack — a payload whose rule output could not be
 * serialised was refused forever instead of dead-lettered; topics with U+0000 or over 256 bytes
 * were accepted; bad percent-encoding in a device path answered 500. All were fixed (5fc3d84);
 * every case is now held to its expectation.
 */

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
      expect(outcome, c.name).toBe("acked")
    }
    const invalid = cases.filter((c) => c.expect === "invalid")
    const letters = sqliteDeadLetters({ path: join(dataDir, "deadletters.sqlite") })
    try {
      const letterOf = (byPayload: ReadonlyMap<string, DeadLetter>, c: (typeof invalid)[number]) =>
        byPayload.get(forwarded(payloadBytes(c))) ?? byPayload.get(payloadBytes(c).toString("base64"))
      // Wait for each invalid case's own letter, not for a count: other cases (the known gaps,
      // an oversized payload refused at the broker) may be dead-lettered too, and sooner.
      const byPayload = await waitFor(
        async () => {
          const found = new Map((await letters.list()).map((letter) => [letter.payload, letter]))
          return invalid.every((c) => letterOf(found, c) !== undefined) ? found : undefined
        },
        { what: `a dead letter for each of the ${invalid.length} invalid payloads`, timeoutMs: 30_000 },
      )
      for (const c of invalid) {
        const letter = letterOf(byPayload, c)
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
      if (!c.valid) expect(outcome, JSON.stringify(c.topic)).toBe("refused")
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
