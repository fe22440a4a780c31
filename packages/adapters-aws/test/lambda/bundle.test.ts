/**
 * The entry bundles as the stack bundles it — `esbuild kinesisConsumer.ts --bundle
 * --platform=node --target=node22 --format=esm`, AWS SDK included — and the bundle, run by plain
 * Node in a child process with only environment variables, handles a Kinesis event against
 * dynalite. This is what would break first if an import needed a loader or a dynamic require.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { latestStateTableDefinition, readingsTableDefinition } from "../../src/dynamodb/index.ts"
import { createTableNow } from "../support/dynamoTables.ts"
import { jsonData, kinesisEvent, reading } from "../support/kinesisEvents.ts"
import {
  dynamoClientFor,
  type LocalServer,
  startDynalite,
  TEST_CREDENTIALS,
  TEST_REGION,
} from "../support/localServers.ts"

const run = promisify(execFile)
const root = fileURLToPath(new URL("../../../../", import.meta.url))
const ENTRY = "packages/adapters-aws/src/lambda/kinesisConsumer.ts"

const RUNNER = `
import { readFileSync } from "node:fs"
const { handler } = await import(process.argv[2])
const event = JSON.parse(readFileSync(process.argv[3], "utf8"))
const response = await handler(event, { getRemainingTimeInMillis: () => 60_000 })
process.stdout.write(JSON.stringify(response))
process.exit(0) // the SDK's keep-alive sockets would hold the process open
`

let server: LocalServer
let client: DynamoDBClient
let dir: string
beforeAll(async () => {
  server = await startDynalite()
  client = dynamoClientFor(server)
  dir = mkdtempSync(join(tmpdir(), "sluice-bundle-"))
})
afterAll(async () => {
  client?.destroy()
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe("Lambda entry bundle", () => {
  it("bundles with esbuild and handles an event under plain Node", async () => {
    const outfile = join(dir, "kinesisConsumer.mjs")
    await run(
      join(root, "node_modules/.bin/esbuild"),
      [
        ENTRY,
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

    const readings = await createTableNow(client, readingsTableDefinition)
    const state = await createTableNow(client, latestStateTableDefinition)
    const eventFile = join(dir, "event.json")
    writeFileSync(
      eventFile,
      JSON.stringify(kinesisEvent([jsonData(reading("dev-7", 5)), jsonData(reading("dev-7", 6))])),
    )
    writeFileSync(join(dir, "run.mjs"), RUNNER)
    const { stdout } = await run(process.execPath, [join(dir, "run.mjs"), outfile, eventFile], {
      cwd: dir,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? "",
        TABLE_NAME: readings,
        STATE_TABLE_NAME: state,
        AWS_REGION: TEST_REGION,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: server.endpoint,
      },
    })
    expect(JSON.parse(stdout)).toEqual({ batchItemFailures: [] })
    const stored = await client.send(new ScanCommand({ TableName: readings }))
    expect(stored.Items?.map((item) => item.ts?.S).sort()).toEqual([
      "2026-11-26T07:12:05",
      "2026-11-26T07:12:06",
    ])
    const latest = await client.send(new ScanCommand({ TableName: state }))
    expect(latest.Items?.map((item) => item.ts?.S)).toEqual(["2026-11-26T07:12:06"])
  }, 90_000)
})
