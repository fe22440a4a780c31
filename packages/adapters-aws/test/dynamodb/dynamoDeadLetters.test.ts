/**
 * What the DynamoDB DeadLetters adapter does beyond the shared contract, on dynalite: a letter
 * too large for one item keeps the start of its payload and says so, unprocessed letters are
 * retried until stored, and a store that refuses a letter is reported broken (Fatal).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import type { DeadLetter } from "@sluice/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DynamoDeadLetters, deadLettersTableDefinition, MAX_PAYLOAD_CHARS } from "../../src/dynamodb/index.ts"
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

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const letter = (id: string, payloadBytes = 10): DeadLetter => ({
  id,
  at: 1000,
  reason: "not JSON",
  payload: Buffer.alloc(payloadBytes, 7).toString("base64"),
  source: {
    stream: "telemetry",
    shardId: "shardId-000000000000",
    sequenceNumber: "4960",
    subSequenceNumber: 0,
  },
})
const fast = { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 20, maxElapsedMs: 10_000 }

describe("DynamoDB dead letters (dynalite)", () => {
  it("keeps the start of a payload too large for one item, and says so in the reason", async () => {
    const dlq = DynamoDeadLetters.make({
      client,
      tableName: await createTableNow(client, deadLettersTableDefinition),
    })
    const big = letter("big", 1024 * 1024) // a 1 MiB Kinesis record
    await run(dlq.put([big, letter("small")]))
    const [stored, small] = await run(dlq.list())
    expect(stored?.payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_CHARS)
    expect(big.payload.startsWith(stored?.payload ?? "-")).toBe(true)
    expect(stored?.reason).toMatch(/^not JSON \[payload truncated to its first \d+ of 1048576 bytes/)
    expect(stored?.source).toEqual(big.source)
    expect(small).toEqual(letter("small"))
  })

  it("retries unprocessed letters until all are stored, in batches of at most 25", async () => {
    let n = 0
    const faulty = faultyDynamo(client, () => n++ % 2 === 0)
    const tableName = await createTableNow(client, deadLettersTableDefinition)
    const dlq = DynamoDeadLetters.make({ client: faulty.client, tableName, retry: fast })
    const letters = Array.from({ length: 40 }, (_, i) => ({
      ...letter(`l${String(i).padStart(2, "0")}`),
      at: i,
    }))
    await run(dlq.put(letters))
    expect(await run(DynamoDeadLetters.make({ client, tableName }).list())).toEqual(letters)
    expect(faulty.counts.get("BatchWriteItemCommand")).toBeGreaterThan(2)
  })

  it("fails Throttled when letters stay unprocessed past the policy, and Fatal when refused", async () => {
    const tableName = await createTableNow(client, deadLettersTableDefinition)
    const stuck = DynamoDeadLetters.make({
      client: faultyDynamo(client, () => true).client,
      tableName,
      retry: { ...fast, maxAttempts: 3 },
    })
    expect((await run(Effect.flip(stuck.put([letter("a")]))))._tag).toBe("Throttled")
    const faulty = faultyDynamo(client)
    faulty.failNext("BatchWriteItemCommand", serviceError("ValidationException", 400, "Item size too large"))
    const refusing = DynamoDeadLetters.make({ client: faulty.client, tableName })
    expect((await run(Effect.flip(refusing.put([letter("a")]))))._tag).toBe("Fatal")
  })
})
