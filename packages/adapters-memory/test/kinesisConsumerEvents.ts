/**
 * Generated Kinesis shards for the consumer's property tests: readings (each id always with the
 * same content, so "each distinct reading once" is well defined), poison payloads, duplicates,
 * KPL aggregates (some corrupt), spread over two shards so a reading's copies meet each other in
 * any order across batches. Also builds the events Lambda would deliver from a shard position.
 */
import {
  aggregate,
  type Item,
  itemOf,
  type KinesisStreamEvent,
  type KinesisStreamRecord,
  readingFromJson,
} from "@sluice/core"
import { Result } from "effect"
import fc from "fast-check"

export const DEVICES = ["dev-1", "dev-2", "dev-3"] as const
export const STREAM = "telemetry"

/** A user record: a reading (by device and second) or a poison payload. */
export type UserSpec =
  | { readonly kind: "reading"; readonly device: string; readonly second: number }
  | { readonly kind: "poison"; readonly text: string; readonly key: string }

/** A Kinesis record: one plain user record, or a KPL aggregate (possibly corrupted). */
export type RecordSpec =
  | { readonly kind: "plain"; readonly user: UserSpec; readonly shard: number }
  | {
      readonly kind: "kpl"
      readonly users: ReadonlyArray<UserSpec>
      readonly corrupt: boolean
      readonly shard: number
    }

/** Seconds that the table rejects for good (as an item it cannot store), when rejection is on. */
export const rejectedSecond = (second: number) => second % 7 === 6

/** The payload of a reading: content is a function of its id (device, second). */
export const payloadOf = (device: string, second: number, rejectable: boolean) => ({
  DEVICE_NAME: device,
  TIMESTAMP: `2026-11-26T07:12:${String(second).padStart(2, "0")}`,
  TEMPERATURE: 15 + ((second * 7 + device.length) % 11),
  HUMIDITY: 40 + (second % 20),
  ...(rejectable && rejectedSecond(second) ? { REJECT: true } : {}),
})

export const POISON_TEXTS = [
  "not json",
  "",
  "[1,2,3]",
  '{"DEVICE_NAME":"dev-1"}',
  '{"DEVICE_NAME":"dev/1","TIMESTAMP":"2026-11-26T07:12:00","TEMPERATURE":1,"HUMIDITY":2}',
  '{"DEVICE_NAME":"dev-2","TIMESTAMP":"2026-11-26T07:12:00","TEMPERATURE":"hot","HUMIDITY":2}',
  '{"DEVICE_NAME":"dev-3","TIMESTAMP":"yesterday","TEMPERATURE":1,"HUMIDITY":2}',
  "\uFEFF{}",
]

const userSpec: fc.Arbitrary<UserSpec> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("reading" as const),
      device: fc.constantFrom(...DEVICES),
      second: fc.integer({ min: 0, max: 20 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("poison" as const),
      text: fc.constantFrom(...POISON_TEXTS),
      key: fc.constantFrom(...DEVICES, "junk"),
    }),
  },
)

export const recordSpec: fc.Arbitrary<RecordSpec> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("plain" as const), user: userSpec, shard: fc.nat(1) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("kpl" as const),
      users: fc.array(userSpec, { minLength: 1, maxLength: 4 }),
      corrupt: fc.oneof(
        { weight: 4, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
      shard: fc.nat(1),
    }),
  },
)

const keyOfUser = (user: UserSpec) => (user.kind === "reading" ? user.device : user.key)
const bytesOfUser = (user: UserSpec, rejectable: boolean) =>
  new TextEncoder().encode(
    user.kind === "reading" ? JSON.stringify(payloadOf(user.device, user.second, rejectable)) : user.text,
  )

export const shardIdOf = (shard: number) => `shardId-00000000000${shard}`
export const sequenceNumberOf = (index: number) =>
  (49590338271490256608559692538361571095921575989136588898n + BigInt(index) * 4096n).toString()

export interface ShardRecord {
  readonly spec: RecordSpec
  readonly record: KinesisStreamRecord
}

/** The records of each shard, in sequence order, as Lambda would deliver them. */
export const buildShards = (specs: ReadonlyArray<RecordSpec>, rejectable: boolean): ShardRecord[][] => {
  const shards: ShardRecord[][] = [[], []]
  for (const spec of specs) {
    const shard = shards[spec.shard] as ShardRecord[]
    const sequenceNumber = sequenceNumberOf(shard.length)
    let data: Uint8Array
    let partitionKey: string
    if (spec.kind === "plain") {
      data = bytesOfUser(spec.user, rejectable)
      partitionKey = keyOfUser(spec.user)
    } else {
      data = aggregate(
        spec.users.map((user) => ({ partitionKey: keyOfUser(user), data: bytesOfUser(user, rejectable) })),
      )
      if (spec.corrupt) data[data.length - 1] = (data[data.length - 1] as number) ^ 0x5a
      partitionKey = keyOfUser(spec.users[0] as UserSpec)
    }
    shard.push({
      spec,
      record: {
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey,
          sequenceNumber,
          data: Buffer.from(data).toString("base64"),
          approximateArrivalTimestamp: 1764141163 + shard.length,
        },
        eventSource: "aws:kinesis",
        eventID: `${shardIdOf(spec.shard)}:${sequenceNumber}`,
        eventSourceARN: `arn:aws:kinesis:us-east-1:123456789012:stream/${STREAM}`,
      },
    })
  }
  return shards
}

export const eventOf = (records: ReadonlyArray<ShardRecord>): KinesisStreamEvent => ({
  Records: records.map((r) => r.record),
})

/** The table item a reading must end up as. */
export const expectedItem = (device: string, second: number, rejectable: boolean): Item =>
  itemOf(Result.getOrThrow(readingFromJson(payloadOf(device, second, rejectable))))

/** What one Kinesis record must end as: items in the table, dead letters by id, rejected readings. */
export interface Expectation {
  readonly items: ReadonlyArray<Item>
  readonly letterIds: ReadonlyArray<string>
  readonly rejected: ReadonlyArray<Item>
}

export const expectationOf = (shardRecord: ShardRecord, rejectable: boolean): Expectation => {
  const { spec, record } = shardRecord
  const shardId = shardIdOf(spec.shard)
  const letterId = (sub: number) => `${STREAM}/${shardId}/${record.kinesis.sequenceNumber}/${sub}`
  if (spec.kind === "kpl" && spec.corrupt) return { items: [], letterIds: [letterId(0)], rejected: [] }
  const users = spec.kind === "plain" ? [spec.user] : spec.users
  const items: Item[] = []
  const letterIds: string[] = []
  const rejected: Item[] = []
  users.forEach((user, sub) => {
    if (user.kind === "poison") letterIds.push(letterId(spec.kind === "plain" ? 0 : sub))
    else if (rejectable && rejectedSecond(user.second))
      rejected.push(expectedItem(user.device, user.second, true))
    else items.push(expectedItem(user.device, user.second, rejectable))
  })
  return { items, letterIds, rejected }
}
