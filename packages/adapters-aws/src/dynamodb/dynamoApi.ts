/**
 * The part of the DynamoDB client the adapters use, typed structurally (as Kysely types
 * better-sqlite3): a `DynamoDBClient` from `@aws-sdk/client-dynamodb` fits, and so does a test's
 * wrapper around one (to inject UnprocessedItems or throttling) or a client pointed at dynalite.
 *
 * Service numbers the adapters rely on are named here with their source.
 */
import type {
  BatchWriteItemCommand,
  BatchWriteItemCommandOutput,
  GetItemCommand,
  GetItemCommandOutput,
  PutItemCommand,
  PutItemCommandOutput,
  QueryCommand,
  QueryCommandOutput,
  ScanCommand,
  ScanCommandOutput,
} from "@aws-sdk/client-dynamodb"

export interface DynamoApi {
  send(command: PutItemCommand): Promise<PutItemCommandOutput>
  send(command: GetItemCommand): Promise<GetItemCommandOutput>
  send(command: QueryCommand): Promise<QueryCommandOutput>
  send(command: ScanCommand): Promise<ScanCommandOutput>
  send(command: BatchWriteItemCommand): Promise<BatchWriteItemCommandOutput>
}

/** BatchWriteItem takes at most 25 put or delete requests. Source: DynamoDB API reference, BatchWriteItem. */
export const BATCH_WRITE_MAX_ITEMS = 25

/**
 * A number attribute holds magnitudes from 1E-130 to 9.99…E+125 with 38 significant digits.
 * Source: DynamoDB developer guide, "Supported data types" (Number).
 */
export const NUMBER_MIN_MAGNITUDE = 1e-130
export const NUMBER_MAX_MAGNITUDE_EXCLUSIVE = 1e126
