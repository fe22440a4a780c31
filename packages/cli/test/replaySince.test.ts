/**
 * `sluice replay --since` (issue 11): a projection starting from nothing starts at the given
 * time. The two sources read that time differently, as the option's help says:
 * - the stream starts at the first record that *arrived* at or after it (Kinesis AT_TIMESTAMP);
 * - the lake leaves out readings whose *own* time is older than it.
 * A projection that has progress resumes after it and ignores `--since`.
 *
 * Fixture (mirrors replay.test.ts): a data dir made by the local adapters holding the same
 * history in the stream log and in the lake — 20 readings of two devices, 5 s apart, each
 * arriving in the stream at its own time (the stream's clock is injected), then one late
 * reading of d-1 stamped 07:00:07 that arrived at 07:01:40. `--since 07:00:50` therefore keeps
 * readings 10..19 from both sources, and the late one from the stream only. What was replayed is
 * read back through a rules projection that routes every reading (`--rules … --print`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import {
  dataDirLayout,
  FileObjectStore,
  LocalDeliveryStream,
  openLocalStream,
  sqliteProjectionStore,
} from "@sluice/adapters-local"
import { DeliveryStream } from "@sluice/core"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CommandIO } from "../src/command.ts"
import { main } from "../src/main.ts"

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), "sluice-cli-replay-since-"))
const layout = dataDirLayout(dataDir)
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const T0 = Date.UTC(2026, 10, 26, 7, 0, 0)
const SINCE = T0 + 50_000
const SINCE_ISO = "2026-11-26T07:00:50Z"
const isoSecond = (ms: number) => new Date(ms).toISOString().slice(0, 19)

interface Fixture {
  readonly device: string
  readonly ts: string
  readonly arrival: number
}
/** Readings 0..19: d-1 even, d-2 odd, 5 s apart, arriving at their own time; then a late one. */
const history: ReadonlyArray<Fixture> = [
  ...Array.from({ length: 20 }, (_, i) => ({
    device: i % 2 === 0 ? "d-1" : "d-2",
    ts: isoSecond(T0 + i * 5_000),
    arrival: T0 + i * 5_000,
  })),
  { device: "d-1", ts: "2026-11-26T07:00:07", arrival: T0 + 100_000 },
]
const encode = (reading: Fixture) =>
  new TextEncoder().encode(
    JSON.stringify({ DEVICE_NAME: reading.device, TIMESTAMP: reading.ts, TEMPERATURE: 21, HUMIDITY: 48 }),
  )
/** `device/ts` of the readings expected back, sorted. */
const keysOf = (readings: ReadonlyArray<Fixture>) => readings.map((r) => `${r.device}/${r.ts}`).sort()

/** Routes every reading, so the printed routes name exactly the readings replayed. */
const writeRules = (name: string) => {
  const path = join(dataDir, `${name}.json`)
  writeFileSync(
    path,
    JSON.stringify({
      rules: {
        every: {
          sql: "SELECT DEVICE_NAME AS device, TIMESTAMP AS ts FROM 'data/+'",
          awsIotSqlVersion: "2016-03-23",
          actions: [{ republish: { topic: "replayed" } }],
        },
      },
    }),
  )
  return path
}

const run = async (args: ReadonlyArray<string>) => {
  const out: string[] = []
  const err: string[] = []
  const io: CommandIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: repoRoot }
  const code = await main(["replay", "--data-dir", dataDir, "--progress", "none", ...args], io)
  return { code, out: out.join(""), err: err.join("") }
}

/** A `--json --print` run: its summary (the first line) and the readings its rules routed. */
const replayed = async (args: ReadonlyArray<string>) => {
  const result = await run([...args, "--json", "--print"])
  expect(result.err).toBe("")
  expect(result.code).toBe(0)
  const [summary, ...routes] = result.out
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
  return {
    summary: summary as { read: number; projections: Array<{ projection: string; applied: number }> },
    keys: routes
      .map((r: { payload: { device: string; ts: string } }) => `${r.payload.device}/${r.payload.ts}`)
      .sort(),
  }
}

beforeAll(async () => {
  let clock = T0
  const stream = await openLocalStream({
    dir: layout.stream(),
    shardCount: 2,
    retention: {},
    now: () => clock,
  })
  try {
    for (const reading of history) {
      clock = reading.arrival
      await stream.putRecords([{ partitionKey: reading.device, data: encode(reading) }])
    }
  } finally {
    await stream.close()
  }
  await Effect.runPromise(
    Effect.scoped(DeliveryStream.use((delivery) => delivery.putRecordBatch(history.map(encode)))).pipe(
      Effect.provide(
        LocalDeliveryStream.layer().pipe(
          Layer.provide(Layer.orDie(FileObjectStore.layer({ root: layout.lake }))),
        ),
      ),
    ),
  )
})

describe("sluice replay --since", () => {
  it("from the stream, starts a new projection at the first record that arrived at or after the time", async () => {
    const rules = writeRules("stream-since")
    const { summary, keys } = await replayed(["--rules", rules, "--since", SINCE_ISO])
    const expected = history.filter((r) => r.arrival >= SINCE)
    expect(keys).toEqual(keysOf(expected))
    // The late reading is older than --since by its own time, but arrived after it.
    expect(keys).toContain("d-1/2026-11-26T07:00:07")
    expect(summary.read).toBe(expected.length)
    expect(summary.projections).toMatchObject([{ projection: "rules:stream-since", applied: 11 }])
  })

  // Runs after the test above, on the progress it recorded.
  it("from the stream, resumes a projection that has progress: an earlier --since fills nothing in", async () => {
    const rules = writeRules("stream-since")
    const again = await replayed(["--rules", rules, "--since", "2026-11-26T07:00:00Z"])
    expect(again.summary.projections).toMatchObject([{ projection: "rules:stream-since", applied: 0 }])
    expect(again.keys).toEqual(keysOf(history.filter((r) => r.arrival >= SINCE)))
  })

  it("from the lake, leaves out readings whose own time is older, given as epoch ms", async () => {
    const rules = writeRules("lake-since")
    const { summary, keys } = await replayed(["--from", "lake", "--rules", rules, "--since", String(SINCE)])
    const expected = history.filter((r) => Date.parse(`${r.ts}Z`) >= SINCE)
    expect(expected).toHaveLength(10)
    expect(keys).toEqual(keysOf(expected))
    expect(summary.projections).toMatchObject([{ projection: "rules:lake-since", applied: 10 }])
  })

  it("with --rebuild, fills the aggregates only from --since on", async () => {
    const result = await run([
      "--from",
      "lake",
      "--projection",
      "aggregates",
      "--rebuild",
      "--since",
      SINCE_ISO,
      "--json",
    ])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.out).projections).toMatchObject([{ projection: "aggregates", applied: 10 }])
    const store = sqliteProjectionStore({ path: layout.projections })
    try {
      const views = await Effect.runPromise(store.service.views("aggregates"))
      const count = (key: string) => (views.find((v) => v.key === key)?.value as { count?: number })?.count
      // d-1's readings 10, 12, …, 18: one in minute 07:00 (at 07:00:50), four in 07:01.
      expect(count("d-1/hour/2026-11-26T07:00:00.000Z")).toBe(5)
      expect(count("d-1/minute/2026-11-26T07:00:00.000Z")).toBe(1)
      expect(count("d-1/minute/2026-11-26T07:01:00.000Z")).toBe(4)
      expect(count("d-2/hour/2026-11-26T07:00:00.000Z")).toBe(5)
    } finally {
      store.close()
    }
  })
})
