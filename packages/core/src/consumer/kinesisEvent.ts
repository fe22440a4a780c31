/**
 * The Kinesis event a Lambda receives, the partial batch response it returns, and the few
 * facts about both the consumer relies on.
 *
 * The types are minimal local copies of `aws-lambda`'s `KinesisStreamEvent`,
 * `KinesisStreamBatchResponse` and `Context` — only the fields we read are required — so an
 * event typed with `@types/aws-lambda` is accepted as is, and core needs no runtime (or type)
 * dependency on it. One invocation carries records of one shard, in sequence-number order.
 *
 * Sequence numbers are decimal strings of up to 128 bits, so they are compared as numbers by
 * length first and then as text — never through `Number`, which would round them.
 */

/** `KinesisStreamRecordPayload` of aws-lambda: one Kinesis record as Lambda delivers it. */
export interface KinesisRecordPayload {
  readonly data: string
  readonly partitionKey: string
  readonly sequenceNumber: string
  readonly approximateArrivalTimestamp?: number
  readonly kinesisSchemaVersion?: string
}

/** `KinesisStreamRecord` of aws-lambda. */
export interface KinesisStreamRecord {
  readonly kinesis: KinesisRecordPayload
  /** `shardId-000000000000:<sequenceNumber>`: where the shard id comes from. */
  readonly eventID?: string
  /** `arn:aws:kinesis:<region>:<account>:stream/<name>`: where the stream name comes from. */
  readonly eventSourceARN?: string
  readonly eventSource?: string
  readonly eventName?: string
  readonly eventVersion?: string
  readonly awsRegion?: string
  readonly invokeIdentityArn?: string
}

/**
 * `KinesisStreamEvent` of aws-lambda; with TumblingWindowInSeconds, also the fields of its
 * `KinesisStreamTumblingWindowEvent` (projections/lambdaWindow.ts).
 */
export interface KinesisStreamEvent {
  readonly Records: ReadonlyArray<KinesisStreamRecord>
  readonly window?: { readonly start: string; readonly end: string }
  readonly state?: Readonly<Record<string, unknown>>
  readonly shardId?: string
  readonly eventSourceARN?: string
  readonly isFinalInvokeForWindow?: boolean
  readonly isWindowTerminatedEarly?: boolean
}

/** `KinesisStreamBatchItemFailure` of aws-lambda: the sequence number to retry from. */
export interface BatchItemFailure {
  itemIdentifier: string
}

/**
 * `KinesisStreamBatchResponse` of aws-lambda. An empty list means the whole batch succeeded;
 * otherwise Lambda checkpoints before the lowest listed sequence number and retries from it.
 */
export interface KinesisBatchResponse {
  batchItemFailures: BatchItemFailure[]
  /** Under tumbling windows: the state the next invocation of the window receives. */
  state?: Record<string, unknown>
}

/** The part of the Lambda `Context` the consumer uses. */
export interface LambdaContextLike {
  /** Milliseconds left before Lambda stops the invocation. */
  getRemainingTimeInMillis(): number
  readonly awsRequestId?: string
}

/** Negative, zero or positive as sequence number `a` is before, equal to or after `b`. */
export const compareSequenceNumbers = (a: string, b: string): number =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0

/** The shard id of a record, from its `eventID` (`shardId-…:<sequenceNumber>`). */
export const shardIdOf = (record: KinesisStreamRecord): string | undefined => {
  const id = record.eventID
  if (id === undefined) return undefined
  const colon = id.indexOf(":")
  return colon > 0 ? id.slice(0, colon) : undefined
}

/** The stream name of a record, from its `eventSourceARN` (`…:stream/<name>`). */
export const streamNameOf = (record: KinesisStreamRecord): string | undefined => {
  const arn = record.eventSourceARN
  if (arn === undefined) return undefined
  const at = arn.lastIndexOf(":stream/")
  return at >= 0 ? arn.slice(at + ":stream/".length) : undefined
}
