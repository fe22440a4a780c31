/**
 * `sluice invoke kinesis`, `sluice table scan` and `sluice dlq list` on one data directory: the
 * real consumer stores the readings and dead-letters the poison record, a replayed event
 * changes nothing, usage errors exit 2, and the real `sluice` binary prints the same response.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { kinesisEventOf, localEventSource, type StreamRecord } from "@sluice/core"
import { afterAll, describe, expect, it } from "vitest"
import type { CommandIO } from "../src/command.ts"
import { main } from "../src/main.ts"

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))
const root = mkdtempSync(join(tmpdir(), "sluice-cli-kinesis-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const reading = (device: string, second: number, temperature: number) =>
  JSON.stringify({
    DEVICE_NAME: device,
    TIMESTAMP: `2026-11-26T07:12:0${second}`,
    TEMPERATURE: temperature,
    HUMIDITY: 48,
  })

const record = (n: number, partitionKey: string, data: string): StreamRecord => ({
  shardId: "shardId-000000000000",
  sequenceNumber: String(100000000000000000000n + BigInt(n)),
  partitionKey,
  data: new TextEncoder().encode(data),
  approximateArrivalTimestamp: Date.UTC(2026, 10, 26, 7, 12, n),
})

const eventFile = join(root, "kinesis-event.json")
writeFileSync(
  eventFile,
  JSON.stringify(
    kinesisEventOf(
      [
        record(1, "device-1", reading("device-1", 1, 21)),
        record(2, "device-2", reading("device-2", 1, 19)),
        record(
          3,
          "device-1",
          '{"DEVICE_NAME":"device-1","TIMESTAMP":"2026-11-26T07:12:03","TEMPERATURE":"hot","HUMIDITY":48}',
        ),
        record(4, "device-1", reading("device-1", 2, 22)),
      ],
      localEventSource("telemetry"),
    ),
  ),
)

const run = async (args: ReadonlyArray<string>) => {
  const out: string[] = []
  const err: string[] = []
  const io: CommandIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: root }
  const code = await main(args, io)
  return { code, out: out.join(""), err: err.join("") }
}
const lines = (text: string) =>
  text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>)

describe("sluice invoke kinesis, table scan, dlq list", () => {
  const dataDir = join(root, "data")

  it("runs the consumer against the data directory and prints its response", async () => {
    const result = await run(["invoke", "kinesis", "--event", eventFile, "--data-dir", dataDir])
    expect(result).toMatchObject({ code: 0, out: '{"batchItemFailures":[]}\n' })
  })

  it("prints the stored readings, then the latest states, as JSON lines", async () => {
    const scan = await run(["table", "scan", "--data-dir", dataDir])
    expect(scan.code).toBe(0)
    expect(lines(scan.out)).toEqual([
      {
        deviceId: "device-1",
        ts: "2026-11-26T07:12:01",
        DEVICE_NAME: "device-1",
        TIMESTAMP: "2026-11-26T07:12:01",
        TEMPERATURE: 21,
        HUMIDITY: 48,
      },
      {
        deviceId: "device-1",
        ts: "2026-11-26T07:12:02",
        DEVICE_NAME: "device-1",
        TIMESTAMP: "2026-11-26T07:12:02",
        TEMPERATURE: 22,
        HUMIDITY: 48,
      },
      {
        deviceId: "device-2",
        ts: "2026-11-26T07:12:01",
        DEVICE_NAME: "device-2",
        TIMESTAMP: "2026-11-26T07:12:01",
        TEMPERATURE: 19,
        HUMIDITY: 48,
      },
    ])
    const latest = await run(["table", "scan", "--latest", "--data-dir", dataDir])
    expect(lines(latest.out).map((item) => [item.deviceId, item.TEMPERATURE])).toEqual([
      ["device-1", 22],
      ["device-2", 19],
    ])
    const one = await run(["table", "scan", "--device", "device-2", "--data-dir", dataDir])
    expect(lines(one.out)).toHaveLength(1)
  })

  it("prints the poison record with its reason and coordinates", async () => {
    const result = await run(["dlq", "list", "--data-dir", dataDir, "--decode"])
    const [letter, ...rest] = lines(result.out)
    expect(rest).toEqual([])
    expect(letter).toMatchObject({
      field: "TEMPERATURE",
      reason: expect.stringMatching(/./),
      source: {
        stream: "telemetry",
        shardId: "shardId-000000000000",
        sequenceNumber: "100000000000000000003",
      },
      payloadText:
        '{"DEVICE_NAME":"device-1","TIMESTAMP":"2026-11-26T07:12:03","TEMPERATURE":"hot","HUMIDITY":48}',
    })
  })

  it("changes nothing when the same event is invoked again (idempotent)", async () => {
    // A dead letter put again keeps its id and place; only its `at` moves to the latest put.
    const state = async () => ({
      table: (await run(["table", "scan", "--data-dir", dataDir])).out,
      letters: lines((await run(["dlq", "list", "--data-dir", dataDir])).out).map(
        ({ at: _at, ...letter }) => letter,
      ),
    })
    const before = await state()
    expect((await run(["invoke", "kinesis", "--event", eventFile, "--data-dir", dataDir])).code).toBe(0)
    expect(await state()).toEqual(before)
  })

  it("exits 2 on an event that is not JSON or not a Kinesis event, and prints nothing for an empty data dir", async () => {
    const notJson = join(root, "bad.json")
    writeFileSync(notJson, "{nope")
    expect((await run(["invoke", "kinesis", "--event", notJson])).code).toBe(2)
    const firehose = join(root, "firehose.json")
    writeFileSync(firehose, JSON.stringify({ records: [] }))
    const wrong = await run(["invoke", "kinesis", "--event", firehose])
    expect(wrong).toMatchObject({ code: 2, err: expect.stringContaining('no "Records" array') })
    expect(await run(["table", "scan", "--data-dir", join(root, "empty")])).toMatchObject({
      code: 0,
      out: "",
    })
    expect(await run(["dlq", "list", "--data-dir", join(root, "empty")])).toMatchObject({ code: 0, out: "" })
  })

  it("works through the real sluice binary", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(repoRoot, "packages/cli/bin/sluice.mjs"),
        "invoke",
        "kinesis",
        "--event",
        eventFile,
        "--data-dir",
        join(root, "bin"),
      ],
      { cwd: root },
    )
    expect(stdout).toBe('{"batchItemFailures":[]}\n')
  }, 60_000)
})
