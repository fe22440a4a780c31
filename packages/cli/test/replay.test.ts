/**
 * `sluice replay` end to end on a data dir made by the local adapters (the stream log, the
 * SQLite table, the lake written by the local delivery stream): it fills the projections, shows
 * progress, prints a summary; a second run applies nothing (idempotent), new records are all a
 * later run applies (resumable), --rebuild gives the same views again, the lake gives the same
 * aggregates, --rules routes history through new rules; bad options exit 2; and the real `sluice`
 * binary runs it.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import {
  dataDirLayout,
  FileObjectStore,
  LocalDeliveryStream,
  openLocalStream,
  sqliteProjectionStore,
  sqliteTable,
} from "@sluice/adapters-local"
import { DeliveryStream } from "@sluice/core"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CommandIO } from "../src/command.ts"
import { main } from "../src/main.ts"

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), "sluice-cli-replay-"))
const layout = dataDirLayout(dataDir)
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const T0 = Date.UTC(2026, 10, 26, 7, 0, 0)
/** Two devices, a reading every 10 s each; d-2 runs hot for a while (an alert). */
const readings = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k
    const device = i % 2 === 0 ? "d-1" : "d-2"
    const temperature = device === "d-2" && i >= 5 && i <= 9 ? 27 : 20 + (i % 3)
    return new TextEncoder().encode(
      JSON.stringify({
        DEVICE_NAME: device,
        TIMESTAMP: new Date(T0 + i * 5_000).toISOString().slice(0, 19),
        TEMPERATURE: temperature,
        HUMIDITY: 50,
      }),
    )
  })

const append = async (records: ReadonlyArray<Uint8Array>) => {
  const stream = await openLocalStream({ dir: layout.stream(), shardCount: 2 })
  try {
    for (const data of records) {
      const device = JSON.parse(new TextDecoder().decode(data)).DEVICE_NAME
      await stream.putRecords([{ partitionKey: device, data }])
    }
  } finally {
    await stream.close()
  }
}

const run = async (args: ReadonlyArray<string>) => {
  const out: string[] = []
  const err: string[] = []
  const io: CommandIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: repoRoot }
  const code = await main(["replay", "--data-dir", dataDir, "--progress", "lines", ...args], io)
  return { code, out: out.join(""), err: err.join("") }
}

const views = async (projection: string) => {
  const store = sqliteProjectionStore({ path: layout.projections })
  try {
    return await Effect.runPromise(store.service.views(projection))
  } finally {
    store.close()
  }
}

beforeAll(async () => {
  await append(readings(0, 40))
  await Effect.runPromise(
    Effect.scoped(DeliveryStream.use((stream) => stream.putRecordBatch(readings(0, 40)))).pipe(
      Effect.provide(
        LocalDeliveryStream.layer().pipe(
          Layer.provide(Layer.orDie(FileObjectStore.layer({ root: layout.lake }))),
        ),
      ),
    ),
  )
})

describe("sluice replay", () => {
  it("runs the stream's history through every projection, with progress lines and a summary", async () => {
    const result = await run(["--every", "10"])
    expect(result.code).toBe(0)
    expect(result.err).toMatch(
      /^sluice replay: \d+ read, \d+ readings \(stream:telemetry\/shardId-00000000000\d\)\n/,
    )
    expect(result.out).toMatch(/^sluice replay: 40 records read from the stream, 40 readings, [\d.]+ s\n/)
    expect(result.out).toMatch(
      /latest-state\s+live\s+40 applied, 0 already applied\s+\(rebuilt from the start\)/,
    )
    expect(result.out).toMatch(/aggregates\s+live\s+40 applied/)
    expect(result.out).toMatch(/alerts\s+live\s+40 applied/)
    const aggregates = await views("aggregates")
    expect(aggregates.find((v) => v.key === "d-1/hour/2026-11-26T07:00:00.000Z")?.value).toMatchObject({
      count: 20,
      fields: { TEMPERATURE: { count: 20, min: 20, max: 22 } },
    })
    const alerts = await views("alerts")
    expect(alerts.map((a) => [a.key, a.value.status, a.value.readings])).toEqual([
      ["d-2/temperature-high/2026-11-26T07:00:25", "closed", 3],
    ])
    const table = sqliteTable({ path: layout.table })
    try {
      expect((await table.scanLatest()).map((item) => [item.deviceId, item.ts])).toEqual([
        ["d-1", "2026-11-26T07:03:10"],
        ["d-2", "2026-11-26T07:03:15"],
      ])
    } finally {
      table.close()
    }
  })

  it("changes nothing when run again, applies only new records later, and rebuilds to the same views", async () => {
    const before = await views("aggregates")
    const again = await run(["--json"])
    expect(again.code).toBe(0)
    const summary = JSON.parse(again.out)
    expect(summary.projections.map((p: { applied: number }) => p.applied)).toEqual([0, 0, 0])
    expect(await views("aggregates")).toEqual(before)
    await append(readings(40, 46))
    const later = JSON.parse((await run(["--json"])).out)
    expect(later.projections.map((p: { applied: number }) => p.applied)).toEqual([6, 6, 6])
    const grown = await views("aggregates")
    const rebuilt = await run(["--projection", "aggregates", "--rebuild", "--json"])
    expect(JSON.parse(rebuilt.out).projections).toEqual([
      { projection: "aggregates", status: "live", rebuilt: true, applied: 46, skipped: 0 },
    ])
    expect(await views("aggregates")).toEqual(grown)
  })

  it("draws a progress bar when asked (as on a terminal), and clears it before the summary", async () => {
    const result = await run(["--projection", "alerts", "--rebuild", "--progress", "bar"])
    expect(result.code).toBe(0)
    expect(result.err).toMatch(
      /^\r\x1b\[2K\[[#-]{24}\] +\d+% {2}[\d,]+ read · [\d,]+\/s · stream:telemetry\/shardId-/,
    )
    expect(result.err.endsWith("\r\x1b[2K")).toBe(true)
  })

  it("replays the lake into the same aggregates", async () => {
    const fromLake = await run(["--from", "lake", "--projection", "aggregates", "--rebuild"])
    expect(fromLake.code).toBe(0)
    expect(fromLake.out).toMatch(/objects read from the lake, 40 readings/)
    const hour = (await views("aggregates")).find((v) => v.key === "d-2/hour/2026-11-26T07:00:00.000Z")
    expect(hour?.value).toMatchObject({ count: 20, fields: { TEMPERATURE: { max: 27 } } })
  })

  it("routes history through new rules and prints what they would route", async () => {
    const rulesFile = join(dataDir, "hot-rules.json")
    writeFileSync(
      rulesFile,
      JSON.stringify({
        rules: {
          hot: {
            sql: "SELECT DEVICE_NAME AS device, TEMPERATURE AS t FROM 'data/+' WHERE TEMPERATURE > 25",
            awsIotSqlVersion: "2016-03-23",
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT substitution template
            actions: [{ republish: { topic: "alerts/${topic(2)}" } }],
          },
        },
      }),
    )
    const first = await run(["--rules", rulesFile, "--print"])
    expect(first.err).toBe("")
    expect(first.code).toBe(0)
    const lines = first.out.split("\n").filter((l) => l.startsWith("{"))
    expect(lines).toHaveLength(3)
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      rule: "hot",
      action: "republish",
      topic: "data/d-2",
      params: { topic: "alerts/d-2" },
      payload: { device: "d-2", t: 27 },
    })
    expect(first.out).toMatch(/rules:hot-rules\s+live\s+46 applied/)
    const second = await run(["--rules", rulesFile, "--print"])
    expect(second.out.split("\n").filter((l) => l.startsWith("{"))).toEqual(lines)
  })

  it("exits 2 on bad options", async () => {
    for (const args of [
      ["--from", "tape"],
      ["--projection", "nope"],
      ["--since", "last tuesday"],
      ["--print"],
      ["--every", "0"],
      ["--progress", "sometimes"],
      ["--rules", join(dataDir, "missing.json")],
    ]) {
      const result = await run(args)
      expect({ args, code: result.code }).toEqual({ args, code: 2 })
      expect(result.err).toMatch(/Run `sluice replay --help` for usage/)
    }
    expect(
      await main(["replay", "--data-dir", join(dataDir, "nothing-here")], {
        stdout: () => {},
        stderr: () => {},
        env: {},
        cwd: repoRoot,
      }),
    ).toBe(2)
  })

  it("runs from the real binary", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(repoRoot, "packages/cli/bin/sluice.mjs"),
        "replay",
        "--data-dir",
        dataDir,
        "--projection",
        "alerts",
      ],
      { cwd: repoRoot },
    )
    expect(stdout).toMatch(/alerts\s+live\s+0 applied, 46 already applied|alerts\s+live\s+0 applied/)
  }, 60_000)
})
