/**
 * `sluice query`, `sluice lake compact` and `sluice invoke firehose` on a lake written by the
 * local delivery stream: output formats, exit codes (0 ran, 1 DuckDB refused the query, 2 bad
 * usage), and one run of the real `sluice` binary.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { FileObjectStore, LocalDeliveryStream } from "@sluice/adapters-local"
import { DeliveryStream } from "@sluice/core"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CommandIO } from "../src/command.ts"
import { main } from "../src/main.ts"

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))
const dataDir = mkdtempSync(join(tmpdir(), "sluice-cli-lake-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const T0 = Date.UTC(2026, 10, 26, 7, 0, 0)
const reading = (device: string, ms: number, temperature: number) =>
  new TextEncoder().encode(
    `${JSON.stringify({ DEVICE_NAME: device, TIMESTAMP: new Date(ms).toISOString().slice(0, 19), TEMPERATURE: temperature, HUMIDITY: 50 })}\n`,
  )

beforeAll(async () => {
  const batch = [
    reading("dev-1", T0, 20),
    reading("dev-2", T0 + 1000, 22),
    reading("dev-1", T0 + 3_600_000, 24),
  ]
  await Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      yield* Effect.scoped(
        Effect.provide(
          Effect.gen(function* () {
            const stream = yield* DeliveryStream
            yield* stream.putRecordBatch(batch)
            yield* stream.flush()
            yield* stream.putRecordBatch([reading("dev-2", T0 + 2000, 21)])
          }),
          LocalDeliveryStream.layer({ ticker: false, seed: 3 }).pipe(
            Layer.provide(Layer.orDie(FileObjectStore.layer({ root: join(dataDir, "lake") }))),
          ),
        ),
      )
    }).pipe(Effect.provide(TestClock.layer())),
  )
})

const run = async (args: ReadonlyArray<string>) => {
  const out: string[] = []
  const err: string[] = []
  const io: CommandIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: repoRoot }
  const code = await main(args, io)
  return { code, out: out.join(""), err: err.join("") }
}

describe("sluice query", () => {
  it("prints the rows as JSON lines", async () => {
    const result = await run([
      "query",
      "SELECT deviceId, hour, TEMPERATURE FROM telemetry ORDER BY ts, deviceId",
      "--data-dir",
      dataDir,
    ])
    expect(result).toEqual({
      code: 0,
      err: "",
      out: [
        { deviceId: "dev-1", hour: 7, TEMPERATURE: 20 },
        { deviceId: "dev-2", hour: 7, TEMPERATURE: 22 },
        { deviceId: "dev-2", hour: 7, TEMPERATURE: 21 },
        { deviceId: "dev-1", hour: 8, TEMPERATURE: 24 },
      ]
        .map((row) => `${JSON.stringify(row)}\n`)
        .join(""),
    })
  })

  it("prints a table for people", async () => {
    const result = await run([
      "query",
      "SELECT deviceId, count(*) AS n FROM telemetry GROUP BY deviceId ORDER BY deviceId",
      "--data-dir",
      dataDir,
      "--format",
      "table",
    ])
    expect(result.code).toBe(0)
    expect(result.out).toBe(
      ["deviceId  n", "────────  ─", "dev-1     2", "dev-2     2", "(2 rows)", ""].join("\n"),
    )
  })

  it("says what DuckDB said about a bad query and exits 1; bad usage exits 2", async () => {
    const bad = await run(["query", "SELECT nope FROM telemetry", "--data-dir", dataDir])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/^sluice query: Binder Error: Referenced column "nope" not found/)
    expect((await run(["query", "SELECT 1", "--format", "xml"])).code).toBe(2)
    expect((await run(["query"])).code).toBe(2)
    expect((await run(["query", "SELECT 1", "--limit", "-3"])).code).toBe(2)
  })

  it("answers over an empty data dir, saying there is no lake yet", async () => {
    const result = await run([
      "query",
      "SELECT count(*) AS n FROM telemetry",
      "--data-dir",
      join(dataDir, "nothing"),
    ])
    expect(result).toMatchObject({ code: 0, out: '{"n":0}\n' })
    expect(result.err).toMatch(/no lake/)
  })
})

describe("sluice lake compact", () => {
  it("rewrites partitions as Parquet, and the query reads the same readings", async () => {
    const before = await run([
      "query",
      "SELECT deviceId, ts FROM telemetry ORDER BY ts, deviceId",
      "--data-dir",
      dataDir,
    ])
    const result = await run([
      "lake",
      "compact",
      "--data-dir",
      dataDir,
      "--partition",
      "year=2026/month=11/day=26/hour=07",
    ])
    expect(result.code).toBe(0)
    const lines = result.out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
    expect(lines).toEqual([
      expect.objectContaining({
        partition: "telemetry/year=2026/month=11/day=26/hour=07",
        replaced: 2,
        rows: 3,
      }),
    ])
    expect(lines[0].written).toMatch(/\.parquet$/)
    const after = await run([
      "query",
      "SELECT deviceId, ts FROM telemetry ORDER BY ts, deviceId",
      "--data-dir",
      dataDir,
    ])
    expect(after.out).toBe(before.out)
    expect((await run(["lake", "compact", "--data-dir", dataDir, "--partition", "../../etc"])).code).toBe(2)
  })
})

describe("sluice invoke firehose", () => {
  const eventFile = join(dataDir, "firehose-event.json")
  beforeAll(() => {
    writeFileSync(
      eventFile,
      JSON.stringify({
        invocationId: "inv",
        deliveryStreamArn: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/telemetry",
        region: "eu-west-1",
        records: [
          {
            recordId: "a",
            approximateArrivalTimestamp: T0,
            data: Buffer.from(reading("dev-1", T0, 20)).toString("base64"),
          },
          { recordId: "b", approximateArrivalTimestamp: T0, data: Buffer.from("oops").toString("base64") },
        ],
      }),
    )
  })

  it("runs the real transformation and prints its response", async () => {
    const result = await run(["invoke", "firehose", "--event", eventFile, "--decode"])
    expect(result.code).toBe(0)
    const response = JSON.parse(result.out)
    expect(response.records.map((r: { recordId: string; result: string }) => [r.recordId, r.result])).toEqual(
      [
        ["a", "Ok"],
        ["b", "ProcessingFailed"],
      ],
    )
    expect(JSON.parse(response.records[0].decoded)).toMatchObject({
      deviceId: "dev-1",
      ts: "2026-11-26T07:00:00",
    })
    expect(JSON.parse(result.err)).toMatchObject({ processingFailed: 1, failures: [{ recordId: "b" }] })
  })

  it("exits 2 for a missing or malformed event file", async () => {
    expect((await run(["invoke", "firehose"])).code).toBe(2)
    expect((await run(["invoke", "firehose", "--event", join(dataDir, "missing.json")])).code).toBe(2)
    writeFileSync(join(dataDir, "not-event.json"), "{}")
    expect((await run(["invoke", "firehose", "--event", join(dataDir, "not-event.json")])).err).toMatch(
      /records/,
    )
  })
})

describe("the sluice binary", () => {
  it("runs a lake query end to end in its own process", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(repoRoot, "packages/cli/bin/sluice.mjs"),
        "query",
        "SELECT count(*) AS n FROM telemetry",
        "--data-dir",
        dataDir,
      ],
      { cwd: repoRoot, timeout: 60_000 },
    )
    expect(stdout).toBe('{"n":4}\n')
  }, 60_000)
})
