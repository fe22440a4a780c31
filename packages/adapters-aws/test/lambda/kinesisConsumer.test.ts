/**
 * The Lambda entry module, configured only by environment variables, invoked with a real
 * Kinesis-shaped event (plain records, a KPL aggregate, a duplicate, poison) against dynalite:
 * readings and latest state land in their tables, poison in the dead-letter table, and the
 * response is an empty partial-batch failure list. Also the environment's validation.
 */
import { type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb"
import type { KinesisHandler } from "@sluice/core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  deadLettersTableDefinition,
  decodeItem,
  latestStateTableDefinition,
  readingsTableDefinition,
} from "../../src/dynamodb/index.ts"
import { InvalidEnvironment, readEnvironment } from "../../src/lambda/environment.ts"
import { createTableNow } from "../support/dynamoTables.ts"
import { jsonData, kinesisEvent, kplData, lambdaContext, reading } from "../support/kinesisEvents.ts"
import {
  dynamoClientFor,
  type LocalServer,
  startDynalite,
  TEST_CREDENTIALS,
  TEST_REGION,
} from "../support/localServers.ts"

let server: LocalServer
let client: DynamoDBClient
const tables = { readings: "", state: "", deadLetters: "" }
const savedEnv = { ...process.env }

beforeAll(async () => {
  server = await startDynalite()
  client = dynamoClientFor(server)
  tables.readings = await createTableNow(client, readingsTableDefinition)
  tables.state = await createTableNow(client, latestStateTableDefinition)
  tables.deadLetters = await createTableNow(client, deadLettersTableDefinition)
})
afterAll(async () => {
  process.env = savedEnv
  client?.destroy()
  await server?.close()
})

const scan = async (table: string) =>
  ((await client.send(new ScanCommand({ TableName: table }))).Items ?? []).map((item) => decodeItem(item))

describe("Lambda entry: kinesisConsumer.ts", () => {
  it("configures itself from the environment and stores a Kinesis event in DynamoDB", async () => {
    Object.assign(process.env, {
      TABLE_NAME: tables.readings,
      STATE_TABLE_NAME: tables.state,
      DEAD_LETTER_TABLE_NAME: tables.deadLetters,
      READING_TTL_SECONDS: "86400",
      BATCH_SUMMARY_LOG: "off",
      AWS_REGION: TEST_REGION,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      // The SDK's own variable for a service endpoint: how the entry reaches dynalite.
      AWS_ENDPOINT_URL_DYNAMODB: server.endpoint,
    })
    const { handler } = (await import("../../src/lambda/kinesisConsumer.ts")) as { handler: KinesisHandler }
    const event = kinesisEvent([
      jsonData(reading("dev-1", 1)),
      kplData([reading("dev-2", 1), reading("dev-2", 2), reading("dev-2", 3, 25)]),
      jsonData(reading("dev-1", 2, 22)),
      jsonData(reading("dev-1", 1)), // a duplicate
      { partitionKey: "dev-9", data: new TextEncoder().encode("not json") },
      jsonData({ ...reading("dev-3", 1), TEMPERATURE: "hot" }),
    ])
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] })
    // Lambda retries the same batch: nothing changes.
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] })

    const readings = await scan(tables.readings)
    expect(readings.map((r) => `${r.deviceId}@${r.ts}`).sort()).toEqual([
      "dev-1@2026-11-26T07:12:01",
      "dev-1@2026-11-26T07:12:02",
      "dev-2@2026-11-26T07:12:01",
      "dev-2@2026-11-26T07:12:02",
      "dev-2@2026-11-26T07:12:03",
    ])
    expect(readings.find((r) => r.deviceId === "dev-1" && r.ts === "2026-11-26T07:12:02")).toMatchObject({
      DEVICE_NAME: "dev-1",
      TIMESTAMP: "2026-11-26T07:12:02",
      TEMPERATURE: 22,
      HUMIDITY: 50,
    })
    const latest = await scan(tables.state)
    expect(latest.map((r) => `${r.deviceId}@${r.ts}:${r.TEMPERATURE}`).sort()).toEqual([
      "dev-1@2026-11-26T07:12:02:22",
      "dev-2@2026-11-26T07:12:03:25",
    ])
    const letters = await scan(tables.deadLetters)
    expect(letters).toHaveLength(2)
    expect(letters.map((l) => [l.field, l.reason])).toEqual(
      expect.arrayContaining([
        ["TEMPERATURE", expect.stringMatching(/expected a number/)],
        [undefined, expect.stringMatching(/not JSON/)],
      ]),
    )
    for (const letter of letters) expect(letter.source).toMatchObject({ shardId: "shardId-000000000000" })
  })

  it("names every problem of a bad environment at once", () => {
    expect(() =>
      readEnvironment({ CONSUMER_MODE: "sideways", WRITE_CONCURRENCY: "0", READING_TTL_SECONDS: "x" }),
    ).toThrow(InvalidEnvironment)
    try {
      readEnvironment({ CONSUMER_MODE: "sideways", WRITE_CONCURRENCY: "0" })
    } catch (error) {
      const message = (error as Error).message
      for (const name of ["TABLE_NAME", "STATE_TABLE_NAME", "CONSUMER_MODE", "WRITE_CONCURRENCY"])
        expect(message).toContain(name)
    }
  })

  it("reads settings and defaults", () => {
    const config = readEnvironment({
      TABLE_NAME: "readings",
      STATE_TABLE_NAME: "state",
      CONSUMER_MODE: "parallel",
      WRITE_CONCURRENCY: "8",
      DEADLINE_MARGIN_MS: "0",
      RETRY_MAX_ATTEMPTS: "3",
      DEAD_LETTER_TTL_SECONDS: "600",
      TTL_ATTRIBUTE: "ttl",
    })
    expect(config).toMatchObject({
      tableName: "readings",
      stateTableName: "state",
      deadLetterTableName: undefined,
      readingTtl: undefined,
      deadLetterTtl: { attribute: "ttl", seconds: 600 },
      summaryLog: "problems",
      settings: { mode: "parallel", concurrency: 8, deadlineMarginMs: 0, retry: { maxAttempts: 3 } },
    })
  })
})
