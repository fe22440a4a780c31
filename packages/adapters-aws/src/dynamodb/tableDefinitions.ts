/**
 * The DynamoDB tables the adapters expect, as CreateTable inputs — for tests, local setups and
 * as the reference the CDK stack mirrors (docs/decisions/0500). All on-demand.
 *
 * - readings: `deviceId` (S, HASH), `ts` (S, RANGE) — the hands-on's table, one item per reading;
 * - latest state: `deviceId` (S, HASH) — one item per device, moved forward by conditional puts;
 * - dead letters: `id` (S, HASH).
 * TTL is enabled separately (UpdateTimeToLive) on the attribute named in the adapter's options.
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb"

export const readingsTableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [
    { AttributeName: "deviceId", AttributeType: "S" },
    { AttributeName: "ts", AttributeType: "S" },
  ],
  KeySchema: [
    { AttributeName: "deviceId", KeyType: "HASH" },
    { AttributeName: "ts", KeyType: "RANGE" },
  ],
})

export const latestStateTableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [{ AttributeName: "deviceId", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "deviceId", KeyType: "HASH" }],
})

export const deadLettersTableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
})
