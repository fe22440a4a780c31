/**
 * The device's latest-state record, moved only forward by one conditional PutItem.
 *
 * The condition `attribute_not_exists(deviceId) OR #ts < :ts` is checked by DynamoDB atomically
 * with the write, so concurrent consumers (Lambda runs one per shard, and retries overlap them)
 * can never move the record backwards. A read-then-write would:
 *
 *     consumer A (reading t1, a retry)        consumer B (reading t2)          stored
 *     GetItem → t0                                                             t0
 *                                             GetItem → t0
 *                                             t2 > t0 → PutItem t2             t2
 *     t1 > t0 → PutItem t1                                                     t1  ← moved back
 *
 * With the condition, A's PutItem fails `ConditionalCheckFailedException` (stored t2 ≥ t1) and
 * nothing changes. Losing the condition is not an error: the caller gets `{ written: false,
 * existing }` — a newer (or the same) state is already there. `ReturnValuesOnConditionCheckFailure:
 * ALL_OLD` returns that existing item in the same round trip; where the service does not
 * (dynalite, older DynamoDB-compatible stores) it is read afterwards with a strongly consistent
 * GetItem. That read is not atomic with the failed put, but the record only moves forward, so
 * what it returns is at least as new as what beat us — which is all `existing` promises.
 *
 * Equal `ts` does not overwrite: a redelivered reading leaves the record as it is.
 */
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb"
import type { ConditionalPutResult, Item, TableError } from "@sluice/core"
import { Effect } from "effect"
import { type AttributeMap, encodeItem } from "./attributeValues.ts"
import type { DynamoApi } from "./dynamoApi.ts"
import { classifyDynamoError, isConditionalCheckFailed } from "./dynamoErrors.ts"

export const LATEST_CONDITION = "attribute_not_exists(#deviceId) OR #ts < :ts"

export interface LatestStateStore {
  readonly client: DynamoApi
  readonly tableName: string
  readonly consistentReads: boolean
  /** Decodes a stored item (dropping the adapter's own attributes). */
  readonly toItem: (attributes: AttributeMap) => Item
}

export const getLatest = (
  store: LatestStateStore,
  deviceId: string,
): Effect.Effect<Item | undefined, TableError> =>
  Effect.tryPromise({
    try: () =>
      store.client.send(
        new GetItemCommand({
          TableName: store.tableName,
          Key: { deviceId: { S: deviceId } },
          ConsistentRead: store.consistentReads,
        }),
      ),
    catch: (error) => classifyDynamoError(error, "GetItem", store.tableName),
  }).pipe(Effect.map((answer) => (answer.Item === undefined ? undefined : store.toItem(answer.Item))))

export const putLatestIfNewer = (
  store: LatestStateStore,
  item: Item,
): Effect.Effect<ConditionalPutResult, TableError> =>
  Effect.tryPromise({
    try: async (): Promise<ConditionalPutResult | { lost: AttributeMap | undefined }> => {
      try {
        await store.client.send(
          new PutItemCommand({
            TableName: store.tableName,
            Item: encodeItem(item),
            ConditionExpression: LATEST_CONDITION,
            ExpressionAttributeNames: { "#deviceId": "deviceId", "#ts": "ts" },
            ExpressionAttributeValues: { ":ts": { S: item.ts } },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        )
        return { written: true }
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error
        return { lost: (error as { Item?: AttributeMap }).Item }
      }
    },
    catch: (error) => classifyDynamoError(error, "PutItem", store.tableName),
  }).pipe(
    Effect.flatMap((result) => {
      if (!("lost" in result)) return Effect.succeed(result)
      if (result.lost !== undefined)
        return Effect.succeed({ written: false, existing: store.toItem(result.lost) } as const)
      return Effect.map(
        getLatest(store, item.deviceId),
        (existing) => ({ written: false, existing }) as const,
      )
    }),
  )
