/**
 * What the DynamoDB Table adapter does beyond the shared contract, on dynalite: native
 * attributes and TTL as stored, UnprocessedItems surfaced and retried by core, batches split at
 * 25, the conditional latest-state write under concurrency and with ALL_OLD, and error classes.
 */
import { type DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb"
import { executeIntents, type Item, type RetryPolicy, Table, type TableError } from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  DynamoTable,
  type DynamoTableOptions,
  latestStateTableDefinition,
  readingsTableDefinition,
} from "../../src/dynamodb/index.ts"
import { createTableNow } from "../support/dynamoTables.ts"
import { faultyDynamo, serviceError } from "../support/faultyDynamo.ts"
import { dynamoClientFor, type LocalServer, startDynalite } from "../support/localServers.ts"

let server: LocalServer
let client: DynamoDBClient
beforeAll(async () => {
  server = await startDynalite()
  client = dynamoClientFor(server)
})
afterAll(async () => {
  client?.destroy()
  await server?.close()
})

const item = (deviceId: string, ts: string, extra: Record<string, unknown> = {}): Item =>
  ({ DEVICE_NAME: deviceId, TEMPERATURE: 21, HUMIDITY: 50, ...extra, deviceId, ts }) as Item
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const fast: RetryPolicy = { baseDelayMs: 1, maxDelayMs: 4, maxAttempts: 50, maxElapsedMs: 30_000 }

const freshTables = async () => ({
  tableName: await createTableNow(client, readingsTableDefinition),
  latestTableName: await createTableNow(client, latestStateTableDefinition),
})
const tableWith = async (extra: Partial<DynamoTableOptions> = {}) => {
  const tables = await freshTables()
  return { ...tables, table: DynamoTable.make({ client, ...tables, ...extra }) }
}
const errorOf = async (effect: Effect.Effect<unknown, TableError>) => {
  const result = await run(Effect.result(effect))
  return result._tag === "Failure" ? result.failure._tag : "succeeded"
}

describe("DynamoDB table adapter (dynalite)", () => {
  it("stores a reading's fields as native attributes, with the TTL as epoch seconds", async () => {
    const { table, tableName } = await tableWith({ ttl: { attribute: "expiresAt", seconds: 3600 } })
    await run(
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.UTC(2026, 10, 26, 7, 0, 0))
        yield* table.put(item("dev-1", "2026-11-26T07:00:00", { expiresAt: "a field of the reading" }))
      }).pipe(Effect.provide(TestClock.layer())),
    )
    const raw = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { deviceId: { S: "dev-1" }, ts: { S: "2026-11-26T07:00:00" } },
      }),
    )
    expect(raw.Item?.TEMPERATURE).toEqual({ N: "21" })
    expect(raw.Item?.DEVICE_NAME).toEqual({ S: "dev-1" })
    expect(raw.Item?.expiresAt).toEqual({ N: String(Date.UTC(2026, 10, 26, 8, 0, 0) / 1000) })
    // The reading's own field of that name survives, the TTL stays invisible.
    expect(await run(table.get({ deviceId: "dev-1", ts: "2026-11-26T07:00:00" }))).toEqual(
      item("dev-1", "2026-11-26T07:00:00", { expiresAt: "a field of the reading" }),
    )
  })

  it("surfaces UnprocessedItems as the items given, and core's executeIntents retries them all in", async () => {
    let flip = 0
    const faulty = faultyDynamo(client, () => flip++ % 3 === 0)
    const tables = await freshTables()
    const table = DynamoTable.make({ client: faulty.client, ...tables })
    const items = Array.from({ length: 60 }, (_, i) => item(`dev-${i % 4}`, `t${String(i).padStart(3, "0")}`))
    const first = await run(table.batchWrite(items.slice(0, 25)))
    expect(first.unprocessed.length).toBeGreaterThan(0)
    for (const left of first.unprocessed) expect(items).toContain(left)
    const intents = items.map((it, i) => ({ _tag: "PutReading" as const, id: `r${i}`, item: it }))
    const outcomes = await run(
      executeIntents(intents, { retry: fast }).pipe(Effect.provideService(Table, table)),
    )
    expect([...outcomes.values()].every((o) => o._tag === "Succeeded")).toBe(true)
    const honest = DynamoTable.make({ client, ...tables })
    expect(await run(honest.scan())).toEqual(
      [...items].sort((a, b) => (a.deviceId + a.ts < b.deviceId + b.ts ? -1 : 1)),
    )
  })

  it("splits batches at 25 and sends one request per key when a batch repeats a key", async () => {
    const faulty = faultyDynamo(client)
    const table = DynamoTable.make({ client: faulty.client, ...(await freshTables()) })
    const items = Array.from({ length: 30 }, (_, i) => item("d", `t${i}`))
    const result = await run(table.batchWrite([...items, item("d", "t0", { TEMPERATURE: 99 })]))
    expect(result.unprocessed).toEqual([])
    expect(faulty.counts.get("BatchWriteItemCommand")).toBe(2)
    expect(await run(table.get({ deviceId: "d", ts: "t0" }))).toEqual(item("d", "t0", { TEMPERATURE: 99 }))
  })

  it("never moves the latest state backwards under concurrent conditional writes (property)", () =>
    checkAsyncProperty(
      fc.asyncProperty(
        fc.shuffledSubarray(
          Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, "0")}`),
          { minLength: 1 },
        ),
        async (order) => {
          const { table } = await tableWith()
          const results = await run(
            Effect.forEach(order, (ts) => table.putLatestIfNewer(item("dev", ts)), {
              concurrency: "unbounded",
            }),
          )
          const newest = [...order].sort().at(-1) as string
          expect(await run(table.getLatest("dev"))).toEqual(item("dev", newest))
          expect(results.some((r) => r.written)).toBe(true)
          for (const result of results) if (!result.written) expect(result.existing).toBeDefined()
        },
      ),
      10,
    ))

  it("takes the existing record from ALL_OLD when the service returns it, without a second read", async () => {
    const faulty = faultyDynamo(client)
    const { table } = await tableWith()
    await run(table.putLatestIfNewer(item("dev", "t5")))
    const viaFaulty = DynamoTable.make({ client: faulty.client, ...(await freshTables()) })
    faulty.failNext(
      "PutItemCommand",
      Object.assign(serviceError("ConditionalCheckFailedException", 400), {
        Item: { deviceId: { S: "dev" }, ts: { S: "t9" }, TEMPERATURE: { N: "30" } },
      }),
    )
    expect(await run(viaFaulty.putLatestIfNewer(item("dev", "t1")))).toEqual({
      written: false,
      existing: { deviceId: "dev", ts: "t9", TEMPERATURE: 30 },
    })
    expect(faulty.counts.get("GetItemCommand")).toBeUndefined()
  })

  it("classifies failures: throttling, server errors, poison items, broken configuration", async () => {
    const faulty = faultyDynamo(client)
    const tables = await freshTables()
    const table = DynamoTable.make({ client: faulty.client, ...tables })
    faulty.failNext("BatchWriteItemCommand", serviceError("ProvisionedThroughputExceededException", 400))
    expect(await errorOf(table.batchWrite([item("a", "t")]))).toBe("Throttled")
    faulty.failNext("PutItemCommand", serviceError("ThrottlingException", 400))
    expect(await errorOf(table.put(item("a", "t")))).toBe("Throttled")
    faulty.failNext("PutItemCommand", serviceError("InternalServerError", 500))
    expect(await errorOf(table.put(item("a", "t")))).toBe("Retryable")
    // Real dynalite answers from here on.
    expect(await errorOf(table.put(item("a", "t", { huge: "x".repeat(410 * 1024) })))).toBe("Poison")
    expect(await errorOf(table.put({ deviceId: "", ts: "t" } as Item))).toBe("Poison")
    expect(
      await errorOf(
        DynamoTable.make({ client, tableName: "missing", latestTableName: "missing" }).put(item("a", "t")),
      ),
    ).toBe("Fatal")
    // Tables swapped: each table's key schema differs from what its reads name.
    const swapped = DynamoTable.make({
      client,
      tableName: tables.latestTableName,
      latestTableName: tables.tableName,
    })
    expect(await errorOf(swapped.get({ deviceId: "a", ts: "t" }))).toBe("Fatal")
    expect(await errorOf(swapped.getLatest("a"))).toBe("Fatal")
    const refused = DynamoTable.make({
      client: dynamoClientFor({ endpoint: "http://127.0.0.1:9", close: async () => {} }),
      ...tables,
    })
    expect(await errorOf(refused.put(item("a", "t")))).toBe("Retryable")
  })

  it("returns an empty range when from > to instead of failing", async () => {
    const { table } = await tableWith()
    await run(table.put(item("a", "t2")))
    expect(await run(table.query("a", { from: "t3", to: "t1" }))).toEqual([])
  })
})
