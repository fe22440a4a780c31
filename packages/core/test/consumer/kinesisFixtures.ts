/**
 * Builders for the consumer's tests: Kinesis events shaped exactly as Lambda delivers them, a
 * plain-Promise Map table (the kind a user writes), a recording dead-letter target, and a fake
 * Lambda context whose clock the test moves.
 */
import {
  type BatchWriteResult,
  type ConditionalPutResult,
  type DeadLetter,
  dynamoBatchWriteItem,
  type Item,
  type KinesisStreamEvent,
  type KinesisStreamRecord,
  type PlainDeadLetters,
  type PlainTable,
} from "../../src/index.ts"

/** A realistic 56-digit sequence number, the n-th of a shard. */
export const sequenceNumberOf = (n: number): string =>
  (49590338271490256608559692538361571095921575989136588898n + BigInt(n) * 4096n).toString()

export const reading = (device: string, second: number, extra: Record<string, unknown> = {}) => ({
  DEVICE_NAME: device,
  TIMESTAMP: `2026-11-26T07:${String(Math.floor(second / 60) % 60).padStart(2, "0")}:${String(second % 60).padStart(2, "0")}`,
  TEMPERATURE: 20,
  HUMIDITY: 50,
  ...extra,
})

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

export interface RecordSpec {
  readonly data: Uint8Array | string | object
  readonly partitionKey?: string
  readonly sequence?: number
}

const bytesOf = (data: RecordSpec["data"]): Uint8Array =>
  data instanceof Uint8Array ? data : utf8(typeof data === "string" ? data : JSON.stringify(data))

export const kinesisRecord = (
  spec: RecordSpec,
  index: number,
  shardId = "shardId-000000000000",
  stream = "telemetry",
): KinesisStreamRecord => {
  const sequenceNumber = sequenceNumberOf(spec.sequence ?? index)
  const bytes = bytesOf(spec.data)
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: spec.partitionKey ?? "dev-1",
      sequenceNumber,
      data: Buffer.from(bytes).toString("base64"),
      approximateArrivalTimestamp: 1764141163.123,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: "arn:aws:iam::123456789012:role/sluice-consumer",
    awsRegion: "us-east-1",
    eventSourceARN: `arn:aws:kinesis:us-east-1:123456789012:stream/${stream}`,
  }
}

export const kinesisEvent = (specs: ReadonlyArray<RecordSpec>): KinesisStreamEvent => ({
  Records: specs.map((spec, i) => kinesisRecord(spec, i)),
})

/** A table as a user would write one: two Maps behind the PlainTable interface. */
export const mapTable = (fail?: (op: string, items: ReadonlyArray<Item>) => unknown) => {
  const readings = new Map<string, Item>()
  const latest = new Map<string, Item>()
  const key = (i: { deviceId: string; ts: string }) => `${i.deviceId}\u0000${i.ts}`
  const sorted = (items: Iterable<Item>) =>
    [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  const check = (op: string, items: ReadonlyArray<Item>) => {
    const error = fail?.(op, items)
    if (error !== undefined) throw error
  }
  const table: PlainTable & { readings: Map<string, Item>; latest: Map<string, Item> } = {
    readings,
    latest,
    limits: dynamoBatchWriteItem,
    async put(item) {
      check("put", [item])
      readings.set(key(item), item)
    },
    async batchWrite(items): Promise<BatchWriteResult> {
      check("batchWrite", items)
      for (const item of items) readings.set(key(item), item)
      return { unprocessed: [] }
    },
    async get(k) {
      return readings.get(key(k))
    },
    async query(deviceId) {
      return sorted([...readings.values()].filter((i) => i.deviceId === deviceId))
    },
    async scan() {
      return sorted(readings.values())
    },
    async putLatestIfNewer(item): Promise<ConditionalPutResult> {
      check("putLatestIfNewer", [item])
      const existing = latest.get(item.deviceId)
      if (existing !== undefined && !(existing.ts < item.ts)) return { written: false, existing }
      latest.set(item.deviceId, item)
      return { written: true }
    },
    async getLatest(deviceId) {
      return latest.get(deviceId)
    },
    async scanLatest() {
      return sorted(latest.values())
    },
  }
  return table
}

export const recordingDeadLetters = (fail?: () => unknown) => {
  const letters = new Map<string, DeadLetter>()
  const target: PlainDeadLetters & { letters: Map<string, DeadLetter>; puts: number } = {
    letters,
    puts: 0,
    async put(batch) {
      target.puts++
      const error = fail?.()
      if (error !== undefined) throw error
      for (const letter of batch) letters.set(letter.id, letter)
    },
    async list() {
      return [...letters.values()]
    },
  }
  return target
}

/** A Lambda context whose remaining time the test sets. */
export const fakeContext = (remainingMs: () => number) => ({
  awsRequestId: "c0ffee00-0000-4000-8000-000000000000",
  getRemainingTimeInMillis: remainingMs,
})
