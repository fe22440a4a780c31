/**
 * The shared Table and DeadLetters contract suite against the DynamoDB adapters on dynalite,
 * each test with fresh tables. dynalite enforces DynamoDB's validation (names ≥ 3 characters,
 * number ranges, key schemas), so passing here means the requests are well-formed.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { suite } from "@sluice/adapters-memory/contract"
import { DeadLetters, Table } from "@sluice/core"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll } from "vitest"
import {
  DynamoDeadLetters,
  DynamoTable,
  deadLettersTableDefinition,
  latestStateTableDefinition,
  readingsTableDefinition,
} from "../../src/dynamodb/index.ts"
import { scopedTable } from "../support/dynamoTables.ts"
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

suite("dynamodb (dynalite)", {
  table: () =>
    Layer.effect(
      Table,
      Effect.gen(function* () {
        const tableName = yield* scopedTable(client, readingsTableDefinition)
        const latestTableName = yield* scopedTable(client, latestStateTableDefinition)
        return DynamoTable.make({ client, tableName, latestTableName })
      }),
    ),
  deadLetters: () =>
    Layer.effect(
      DeadLetters,
      Effect.map(scopedTable(client, deadLettersTableDefinition), (tableName) =>
        DynamoDeadLetters.make({ client, tableName }),
      ),
    ),
})

// The same suite with a TTL attribute configured: it must stay invisible to readers.
suite("dynamodb (dynalite) with TTL", {
  table: () =>
    Layer.effect(
      Table,
      Effect.gen(function* () {
        const tableName = yield* scopedTable(client, readingsTableDefinition)
        const latestTableName = yield* scopedTable(client, latestStateTableDefinition)
        return DynamoTable.make({
          client,
          tableName,
          latestTableName,
          ttl: { attribute: "expiresAt", seconds: 60 },
        })
      }),
    ),
  deadLetters: () =>
    Layer.effect(
      DeadLetters,
      Effect.map(scopedTable(client, deadLettersTableDefinition), (tableName) =>
        DynamoDeadLetters.make({ client, tableName, ttl: { attribute: "expiresAt", seconds: 60 } }),
      ),
    ),
  propertyRuns: 5,
})
