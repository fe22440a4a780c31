/**
 * The DeadLetters port over a DynamoDB table keyed by `id` (S, HASH).
 *
 * `put` is an upsert by id — a poison record dead-lettered again on a Lambda retry stays one
 * letter — sent as BatchWriteItem requests of at most 25 letters (the last of duplicate ids
 * wins). Unprocessed letters are retried here with core's backoff, because the port has no
 * "unprocessed" answer; if some remain when the policy gives up, `put` fails Throttled and the
 * caller retries the batch. `list` scans the table and returns letters by `at`, then `id`.
 *
 * Limit: a DynamoDB item holds at most 400 KB, and a Kinesis record may be 1 MiB. A letter whose
 * payload would not fit keeps the payload's first bytes (base64, cut on a 4-character boundary)
 * and says so in its reason; the full record stays in the stream for its retention period.
 * For full payloads of any size a letter store over S3 is the better home (not built yet).
 * Letters may carry a TTL attribute (epoch seconds) like readings.
 */
import { BatchWriteItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb"
import {
  backoffDelayMs,
  type DeadLetter,
  DeadLetters,
  type DeadLettersError,
  defaultRetryPolicy,
  Fatal,
  type JsonObject,
  plainDeadLettersOf,
  type RetryPolicy,
  Throttled,
  utf8Length,
} from "@sluice/core"
import { Clock, Effect, Layer, Random } from "effect"
import { type AttributeMap, decodeItem, encodeItem } from "./attributeValues.ts"
import { BATCH_WRITE_MAX_ITEMS, type DynamoApi } from "./dynamoApi.ts"
import { classifyDynamoError } from "./dynamoErrors.ts"
import type { TimeToLive } from "./dynamoTable.ts"

export interface DynamoDeadLettersOptions {
  readonly client: DynamoApi
  /** A table with `id` (S) as its HASH key. */
  readonly tableName: string
  readonly ttl?: TimeToLive
  /** Retries of unprocessed letters; default core's policy. */
  readonly retry?: RetryPolicy
}

/** Room for a letter's payload: DynamoDB's 400 KB item limit less generous room for the rest. */
export const MAX_PAYLOAD_CHARS = 300 * 1024

/** Bytes a base64 string decodes to. */
const decodedLength = (base64: string) =>
  Math.floor((base64.length / 4) * 3) - (base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0)

const fitPayload = (letter: DeadLetter): DeadLetter => {
  const room = Math.max(0, MAX_PAYLOAD_CHARS - utf8Length(letter.reason) - utf8Length(letter.field ?? ""))
  if (letter.payload.length <= room) return letter
  const kept = room - (room % 4)
  const payload = letter.payload.slice(0, kept)
  return {
    ...letter,
    payload,
    reason: `${letter.reason} [payload truncated to its first ${decodedLength(payload)} of ${decodedLength(letter.payload)} bytes: a DynamoDB item holds at most 400 KB]`,
  }
}

const byAtThenId = (a: DeadLetter, b: DeadLetter) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

// A dead-letter store cannot call a letter poison: if DynamoDB refuses one, the store is broken.
const classify = (error: unknown, operation: string, table: string): DeadLettersError => {
  const classified = classifyDynamoError(error, operation, table)
  return classified._tag === "Poison" ? new Fatal({ reason: classified.reason }) : classified
}

export const make = (options: DynamoDeadLettersOptions): DeadLetters["Service"] => {
  const { client, tableName, ttl } = options
  const policy = options.retry ?? defaultRetryPolicy
  const reserved = new Set(ttl === undefined ? [] : [ttl.attribute])

  const call = <A>(operation: string, send: () => Promise<A>) =>
    Effect.tryPromise({ try: send, catch: (error) => classify(error, operation, tableName) })

  const encode = (letter: DeadLetter, nowMs: number): AttributeMap => {
    const attributes = encodeItem(fitPayload(letter) as unknown as JsonObject, reserved)
    if (ttl !== undefined) attributes[ttl.attribute] = { N: String(Math.floor(nowMs / 1000) + ttl.seconds) }
    return attributes
  }

  const writeChunk = (chunk: ReadonlyArray<DeadLetter>, nowMs: number) =>
    Effect.gen(function* () {
      let pending: ReadonlyArray<AttributeMap> = chunk.map((letter) => encode(letter, nowMs))
      for (let attempt = 1; ; attempt++) {
        const requests = pending.map((Item) => ({ PutRequest: { Item } }))
        const answer = yield* call("BatchWriteItem", () =>
          client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } })),
        )
        pending = (answer.UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
          request.PutRequest?.Item === undefined ? [] : [request.PutRequest.Item],
        )
        if (pending.length === 0) return
        if (attempt >= policy.maxAttempts)
          return yield* new Throttled({
            reason: `DynamoDB kept ${pending.length} dead letters unprocessed after ${attempt} writes`,
          })
        yield* Effect.sleep(backoffDelayMs(policy, attempt - 1, yield* Random.next))
      }
    })

  const put = (letters: ReadonlyArray<DeadLetter>) =>
    Effect.gen(function* () {
      const unique = [...new Map(letters.map((letter) => [letter.id, letter])).values()]
      const now = yield* Clock.currentTimeMillis
      for (let start = 0; start < unique.length; start += BATCH_WRITE_MAX_ITEMS) {
        yield* writeChunk(unique.slice(start, start + BATCH_WRITE_MAX_ITEMS), now)
      }
    })

  const list = () =>
    Effect.gen(function* () {
      const letters: DeadLetter[] = []
      let startKey: AttributeMap | undefined
      do {
        const page = yield* call("Scan", () =>
          client.send(
            new ScanCommand({
              TableName: tableName,
              ConsistentRead: true,
              ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
            }),
          ),
        )
        for (const attributes of page.Items ?? [])
          letters.push(decodeItem(attributes, reserved) as unknown as DeadLetter)
        startKey = page.LastEvaluatedKey
      } while (startKey !== undefined)
      return letters.sort(byAtThenId)
    })

  return DeadLetters.of({ put, list })
}

export const layer = (options: DynamoDeadLettersOptions): Layer.Layer<DeadLetters> =>
  Layer.succeed(DeadLetters, make(options))

/** The plain-Promise facade (`put`, `list`), which the handlers accept as `deadLetters`. */
export const dynamoDeadLetters = (options: DynamoDeadLettersOptions) => plainDeadLettersOf(make(options))
