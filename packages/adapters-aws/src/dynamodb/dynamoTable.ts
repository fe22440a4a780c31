/**
 * The Table port over DynamoDB (`@aws-sdk/client-dynamodb`), in two tables
 * (docs/decisions/0500-dynamodb-two-tables.md):
 * - readings (`deviceId` HASH, `ts` RANGE): `put`, `batchWrite`, `get`, `query`, `scan` — so a
 *   scan is exactly the readings, and the table is the hands-on's;
 * - latest state (`deviceId` HASH): `putLatestIfNewer` by conditional PutItem (latestState.ts),
 *   `getLatest`, `scanLatest`.
 *
 * `batchWrite` deduplicates by key (last wins: DynamoDB rejects a batch naming one key twice),
 * sends BatchWriteItem requests of at most 25 items, and returns the `UnprocessedItems` as the
 * very items given, for the caller (core's executeIntents) to retry with backoff. Readings may
 * carry a TTL attribute (epoch seconds, now + `ttl.seconds`, from Effect's Clock); the attribute
 * is the adapter's own and is removed on read. Items round-trip exactly (attributeValues.ts).
 * Reads are strongly consistent by default, so a write is visible to the next read as the
 * contract requires; scans and queries page through everything and return items sorted by
 * (deviceId, ts) in code-unit order, the order every other adapter uses.
 *
 * Errors are classified by dynamoErrors.ts; nothing here retries.
 */
import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
} from "@aws-sdk/client-dynamodb"
import {
  type BatchLimits,
  dynamoBatchWriteItem,
  type Item,
  Poison,
  plainTableOf,
  Table,
  type TableError,
  type TimeRange,
} from "@sluice/core"
import { Clock, Effect, Layer } from "effect"
import { type AttributeMap, decodeItem, encodeItem } from "./attributeValues.ts"
import { BATCH_WRITE_MAX_ITEMS, type DynamoApi } from "./dynamoApi.ts"
import { classifyDynamoError } from "./dynamoErrors.ts"
import { getLatest, type LatestStateStore, putLatestIfNewer } from "./latestState.ts"

export interface TimeToLive {
  /** The table's TTL attribute (enable TTL on it); holds epoch seconds. */
  readonly attribute: string
  /** How long a reading is kept after it is written. */
  readonly seconds: number
}

export interface DynamoTableOptions {
  readonly client: DynamoApi
  /** The readings table: `deviceId` (S) HASH, `ts` (S) RANGE. */
  readonly tableName: string
  /** The latest-state table: `deviceId` (S) HASH. */
  readonly latestTableName: string
  /** Expire readings (not latest-state records) this long after they are written. */
  readonly ttl?: TimeToLive
  /** Default DynamoDB's BatchWriteItem limits (25 items, 16 MB, 400 KB per item). */
  readonly limits?: BatchLimits
  /** Strongly consistent reads (default true). */
  readonly consistentReads?: boolean
}

const keyOf = (deviceId: string, ts: string) => `${deviceId}\u0000${ts}`
export const byDeviceThenTs = (a: Item, b: Item) =>
  a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0

/** Key attributes must be non-empty strings; anything else can never be stored. */
const checkKeys = (item: Item): Poison | undefined =>
  typeof item.deviceId !== "string" || item.deviceId === "" || typeof item.ts !== "string" || item.ts === ""
    ? new Poison({ reason: "a table item needs a non-empty string deviceId and ts" })
    : undefined

export const make = (options: DynamoTableOptions): Table["Service"] => {
  const { client, tableName, ttl } = options
  const limits = options.limits ?? dynamoBatchWriteItem
  const consistentReads = options.consistentReads ?? true
  const reserved = new Set(ttl === undefined ? [] : [ttl.attribute])
  const toItem = (attributes: AttributeMap) => decodeItem(attributes, reserved) as Item
  const latest: LatestStateStore = { client, tableName: options.latestTableName, consistentReads, toItem }

  const call = <A>(operation: string, table: string, send: () => Promise<A>): Effect.Effect<A, TableError> =>
    Effect.tryPromise({ try: send, catch: (error) => classifyDynamoError(error, operation, table) })

  const encodeReading = (item: Item, nowMs: number): AttributeMap => {
    const attributes = encodeItem(item, reserved)
    if (ttl !== undefined) attributes[ttl.attribute] = { N: String(Math.floor(nowMs / 1000) + ttl.seconds) }
    return attributes
  }

  const put = (item: Item) =>
    Effect.gen(function* () {
      const invalid = checkKeys(item)
      if (invalid) return yield* invalid
      const now = yield* Clock.currentTimeMillis
      yield* call("PutItem", tableName, () =>
        client.send(new PutItemCommand({ TableName: tableName, Item: encodeReading(item, now) })),
      )
    })

  const batchWrite = (items: ReadonlyArray<Item>) =>
    Effect.gen(function* () {
      const byKey = new Map<string, Item>()
      for (const item of items) {
        const invalid = checkKeys(item)
        if (invalid) return yield* invalid
        byKey.set(keyOf(item.deviceId, item.ts), item)
      }
      const unique = [...byKey.values()]
      const now = yield* Clock.currentTimeMillis
      const unprocessed: Item[] = []
      for (let start = 0; start < unique.length; start += BATCH_WRITE_MAX_ITEMS) {
        const chunk = unique.slice(start, start + BATCH_WRITE_MAX_ITEMS)
        const answer = yield* call("BatchWriteItem", tableName, () =>
          client.send(
            new BatchWriteItemCommand({
              RequestItems: {
                [tableName]: chunk.map((item) => ({ PutRequest: { Item: encodeReading(item, now) } })),
              },
            }),
          ),
        )
        for (const request of answer.UnprocessedItems?.[tableName] ?? []) {
          const key = request.PutRequest?.Item
          const original =
            key?.deviceId?.S === undefined || key.ts?.S === undefined
              ? undefined
              : byKey.get(keyOf(key.deviceId.S, key.ts.S))
          if (original !== undefined) unprocessed.push(original)
        }
      }
      return { unprocessed }
    })

  const get = ({ deviceId, ts }: { deviceId: string; ts: string }) =>
    call("GetItem", tableName, () =>
      client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { deviceId: { S: deviceId }, ts: { S: ts } },
          ConsistentRead: consistentReads,
        }),
      ),
    ).pipe(Effect.map((answer) => (answer.Item === undefined ? undefined : toItem(answer.Item))))

  const query = (deviceId: string, range: TimeRange = {}) =>
    Effect.gen(function* () {
      // DynamoDB rejects BETWEEN with bounds the wrong way round; the range is simply empty.
      if (range.from !== undefined && range.to !== undefined && range.from > range.to) return []
      const input = queryInput(tableName, deviceId, range, consistentReads)
      const items: Item[] = []
      let startKey: AttributeMap | undefined
      do {
        const page = yield* call("Query", tableName, () =>
          client.send(
            new QueryCommand(startKey === undefined ? input : { ...input, ExclusiveStartKey: startKey }),
          ),
        )
        for (const attributes of page.Items ?? []) items.push(toItem(attributes))
        startKey = page.LastEvaluatedKey
      } while (startKey !== undefined)
      return items.sort(byDeviceThenTs)
    })

  const scanTable = (table: string) =>
    Effect.gen(function* () {
      const items: Item[] = []
      let startKey: AttributeMap | undefined
      do {
        const page = yield* call("Scan", table, () =>
          client.send(
            new ScanCommand({
              TableName: table,
              ConsistentRead: consistentReads,
              ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
            }),
          ),
        )
        for (const attributes of page.Items ?? []) items.push(toItem(attributes))
        startKey = page.LastEvaluatedKey
      } while (startKey !== undefined)
      return items.sort(byDeviceThenTs)
    })

  return Table.of({
    limits,
    put,
    batchWrite,
    get,
    query,
    scan: () => scanTable(tableName),
    putLatestIfNewer: (item) => {
      const invalid = checkKeys(item)
      return invalid ? Effect.fail(invalid) : putLatestIfNewer(latest, item)
    },
    getLatest: (deviceId) => getLatest(latest, deviceId),
    scanLatest: () => scanTable(options.latestTableName),
  })
}

const queryInput = (
  tableName: string,
  deviceId: string,
  range: TimeRange,
  consistentRead: boolean,
): QueryCommandInput => {
  const names: Record<string, string> = { "#deviceId": "deviceId" }
  const values: AttributeMap = { ":deviceId": { S: deviceId } }
  let condition = "#deviceId = :deviceId"
  if (range.from !== undefined || range.to !== undefined) names["#ts"] = "ts"
  if (range.from !== undefined) values[":from"] = { S: range.from }
  if (range.to !== undefined) values[":to"] = { S: range.to }
  if (range.from !== undefined && range.to !== undefined) condition += " AND #ts BETWEEN :from AND :to"
  else if (range.from !== undefined) condition += " AND #ts >= :from"
  else if (range.to !== undefined) condition += " AND #ts <= :to"
  return {
    TableName: tableName,
    KeyConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ConsistentRead: consistentRead,
  }
}

export const layer = (options: DynamoTableOptions): Layer.Layer<Table> => Layer.succeed(Table, make(options))

/** The plain-Promise facade (`scan(): Promise<Item[]>` and the rest), which the handlers accept as `table`. */
export const dynamoTable = (options: DynamoTableOptions) => plainTableOf(make(options))
