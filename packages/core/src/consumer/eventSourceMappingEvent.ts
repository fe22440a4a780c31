/**
 * The event Lambda's event source mapping sends a function for a batch of Kinesis records,
 * field for field as AWS builds it (Lambda developer guide, "Using Lambda with Kinesis Data
 * Streams", sample event):
 *
 *     { "Records": [{ "kinesis": { "kinesisSchemaVersion": "1.0", "partitionKey": "device-1",
 *         "sequenceNumber": "4959…", "data": "<base64>", "approximateArrivalTimestamp": 1545084650.987 },
 *       "eventSource": "aws:kinesis", "eventVersion": "1.0", "eventID": "shardId-000000000006:4959…",
 *       "eventName": "aws:kinesis:record", "invokeIdentityArn": "arn:aws:iam::…:role/…",
 *       "awsRegion": "us-east-2", "eventSourceARN": "arn:aws:kinesis:us-east-2:…:stream/…" }] }
 *
 * The arrival timestamp is in seconds with a fraction (the stream keeps milliseconds). Every
 * field is present, so the event satisfies `@types/aws-lambda`'s `KinesisStreamEvent` and the
 * consumer's own narrower type.
 *
 * `eventRecordBytes` measures a record's share of the event's JSON without building it, so the
 * planner can keep a batch under the 6 MB invocation payload.
 */
import type { StreamRecord } from "../ports/stream.ts"

export interface EsmKinesisRecord {
  readonly kinesis: {
    readonly kinesisSchemaVersion: "1.0"
    readonly partitionKey: string
    readonly sequenceNumber: string
    readonly data: string
    readonly approximateArrivalTimestamp: number
  }
  readonly eventSource: "aws:kinesis"
  readonly eventVersion: "1.0"
  readonly eventID: string
  readonly eventName: "aws:kinesis:record"
  readonly invokeIdentityArn: string
  readonly awsRegion: string
  readonly eventSourceARN: string
}

export interface EsmKinesisEvent {
  readonly Records: EsmKinesisRecord[]
}

/** Where the records come from, as the event names it. */
export interface EventSourceIdentity {
  /** `arn:aws:kinesis:<region>:<account>:stream/<name>`. */
  readonly streamArn: string
  readonly region: string
  /** The function's execution role. */
  readonly invokeIdentityArn: string
}

/** The account id local ARNs use (no real account behind it). */
export const LOCAL_ACCOUNT_ID = "000000000000"
export const LOCAL_REGION = "us-east-1"

export const streamArnOf = (name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT_ID): string =>
  `arn:aws:kinesis:${region}:${account}:stream/${name}`

export const functionArnOf = (name: string, region = LOCAL_REGION, account = LOCAL_ACCOUNT_ID): string =>
  `arn:aws:lambda:${region}:${account}:function:${name}`

/** The identity of a stream of the local stack. */
export const localEventSource = (streamName: string, region = LOCAL_REGION): EventSourceIdentity => ({
  streamArn: streamArnOf(streamName, region),
  region,
  invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/sluice-local`,
})

const base64 = (data: Uint8Array): string =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64")

export const kinesisRecordOf = (record: StreamRecord, source: EventSourceIdentity): EsmKinesisRecord => ({
  kinesis: {
    kinesisSchemaVersion: "1.0",
    partitionKey: record.partitionKey,
    sequenceNumber: record.sequenceNumber,
    data: base64(record.data),
    approximateArrivalTimestamp: record.approximateArrivalTimestamp / 1000,
  },
  eventSource: "aws:kinesis",
  eventVersion: "1.0",
  eventID: `${record.shardId}:${record.sequenceNumber}`,
  eventName: "aws:kinesis:record",
  invokeIdentityArn: source.invokeIdentityArn,
  awsRegion: source.region,
  eventSourceARN: source.streamArn,
})

export const kinesisEventOf = (
  records: ReadonlyArray<StreamRecord>,
  source: EventSourceIdentity,
): EsmKinesisEvent => ({ Records: records.map((record) => kinesisRecordOf(record, source)) })

const overheads = new WeakMap<EventSourceIdentity, number>()

/**
 * An upper bound on the bytes a record adds to the event's JSON (its comma included): the
 * record with empty variable fields, measured once per source, plus those fields' sizes.
 */
export const eventRecordBytes = (record: StreamRecord, source: EventSourceIdentity): number => {
  let overhead = overheads.get(source)
  if (overhead === undefined) {
    const empty = { ...record, shardId: "", sequenceNumber: "", partitionKey: "", data: new Uint8Array(0) }
    overhead = Buffer.byteLength(JSON.stringify(kinesisRecordOf(empty, source))) + 1 + 24 // timestamp digits
    overheads.set(source, overhead)
  }
  const key =
    record.partitionKey.length <= 64 && /^[\w:.\-/]*$/.test(record.partitionKey)
      ? record.partitionKey.length
      : Buffer.byteLength(JSON.stringify(record.partitionKey)) - 2
  return (
    overhead +
    4 * Math.ceil(record.data.byteLength / 3) +
    key +
    2 * record.sequenceNumber.length +
    record.shardId.length
  )
}

/** Bytes of the event's JSON around its records: `{"Records":[` and `]}`. */
export const EVENT_ENVELOPE_BYTES = '{"Records":[]}'.length
