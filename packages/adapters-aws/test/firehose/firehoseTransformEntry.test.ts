/**
 * The Firehose transformation's Lambda entry: configured from the environment, and bundled as
 * the stack bundles it (`esbuild … --bundle --platform=node --target=node22 --format=esm`),
 * then run by plain Node in a child process on a Firehose event.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import type { FirehoseTransformationEvent } from "@sluice/core"
import { afterAll, describe, expect, it } from "vitest"
import { makeHandler, readFirehoseEnvironment } from "../../src/lambda/firehoseTransform.ts"

const run = promisify(execFile)
const root = fileURLToPath(new URL("../../../../", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "sluice-firehose-bundle-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const b64 = (text: string) => Buffer.from(text).toString("base64")
const reading = (device: string) =>
  `${JSON.stringify({ DEVICE_NAME: device, TIMESTAMP: "2026-11-26T07:12:43", TEMPERATURE: 21, HUMIDITY: 48 })}\n`
const event: FirehoseTransformationEvent = {
  invocationId: "inv-1",
  deliveryStreamArn: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/telemetry",
  region: "eu-west-1",
  records: [
    { recordId: "r1", approximateArrivalTimestamp: 1764141163000, data: b64(reading("sensor-1")) },
    { recordId: "r2", approximateArrivalTimestamp: 1764141163001, data: b64(reading("test-9")) },
    { recordId: "r3", approximateArrivalTimestamp: 1764141163002, data: b64("not json") },
  ],
}

describe("Firehose transformation Lambda entry", () => {
  it("keeps only the devices the pattern names, and answers every record", async () => {
    const handler = makeHandler({ SLUICE_FIREHOSE_DEVICE_PATTERN: "^sensor-", SLUICE_FIREHOSE_LOG: "off" })
    const { records } = await handler(event)
    expect(records.map((r) => [r.recordId, r.result])).toEqual([
      ["r1", "Ok"],
      ["r2", "Dropped"],
      ["r3", "ProcessingFailed"],
    ])
    expect(records[0]?.metadata?.partitionKeys).toEqual({
      device: "sensor-1",
      year: "2026",
      month: "11",
      day: "26",
      hour: "07",
    })
  })

  it("fails its init naming every bad variable", () => {
    expect(() =>
      readFirehoseEnvironment({
        SLUICE_FIREHOSE_DEVICE_PATTERN: "(",
        SLUICE_FIREHOSE_MAX_RESPONSE_BYTES: "lots",
        SLUICE_FIREHOSE_LOG: "loud",
      }),
    ).toThrow(/DEVICE_PATTERN.*MAX_RESPONSE_BYTES.*SLUICE_FIREHOSE_LOG/)
  })

  it("bundles with esbuild and answers an event under plain Node", async () => {
    const outfile = join(dir, "firehoseTransform.mjs")
    await run(
      join(root, "node_modules/.bin/esbuild"),
      [
        "packages/adapters-aws/src/lambda/firehoseTransform.ts",
        "--bundle",
        "--platform=node",
        "--target=node22",
        "--format=esm",
        `--outfile=${outfile}`,
        "--log-level=error",
      ],
      { cwd: root, timeout: 60_000 },
    )
    expect(statSync(outfile).size).toBeGreaterThan(0)
    writeFileSync(join(dir, "event.json"), JSON.stringify(event))
    writeFileSync(
      join(dir, "run.mjs"),
      `import { readFileSync } from "node:fs"
const { handler } = await import(process.argv[2])
process.stdout.write(JSON.stringify(await handler(JSON.parse(readFileSync(process.argv[3], "utf8")))))`,
    )
    const { stdout, stderr } = await run(
      process.execPath,
      [join(dir, "run.mjs"), outfile, join(dir, "event.json")],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "" },
        timeout: 30_000,
      },
    )
    const response = JSON.parse(stdout)
    expect(response.records.map((r: { result: string }) => r.result)).toEqual([
      "Ok",
      "Ok",
      "ProcessingFailed",
    ])
    expect(JSON.parse(Buffer.from(response.records[0].data, "base64").toString())).toMatchObject({
      deviceId: "sensor-1",
      ts: "2026-11-26T07:12:43",
    })
    expect(JSON.parse(stderr.trim())).toMatchObject({ level: "WARN", processingFailed: 1 })
  }, 60_000)
})
