/**
 * The Firehose data-transformation contract, as Lambda sees it.
 *
 * Firehose invokes the function synchronously with a batch of records (base64 `data`) and
 * expects every record answered exactly once, with the same `recordId`, in the same order:
 * `Ok` (with the transformed data), `Dropped` (deliberately left out) or `ProcessingFailed`
 * (sent to the error output with its original bytes). `metadata.partitionKeys` feeds
 * `!{partitionKeyFromLambda:…}` in the S3 prefix when dynamic partitioning is on.
 * Source: Amazon Data Firehose developer guide, "Transform source data" and "Required
 * parameters for data transformation". These types are structural, so `@types/aws-lambda`'s
 * `FirehoseTransformationEvent` fits them.
 */

export interface FirehoseTransformationEventRecord {
  readonly recordId: string
  /** Epoch milliseconds. */
  readonly approximateArrivalTimestamp: number
  /** The record's bytes, base64. */
  readonly data: string
  /** Present when the source is a Kinesis data stream. */
  readonly kinesisRecordMetadata?: unknown
}

export interface FirehoseTransformationEvent {
  readonly invocationId: string
  readonly deliveryStreamArn: string
  readonly sourceKinesisStreamArn?: string
  readonly region: string
  readonly records: ReadonlyArray<FirehoseTransformationEventRecord>
}

export type FirehoseRecordResult = "Ok" | "Dropped" | "ProcessingFailed"

export interface FirehosePartitionKeys {
  readonly [name: string]: string
}

export interface FirehoseTransformationResultRecord {
  readonly recordId: string
  readonly result: FirehoseRecordResult
  /** Transformed bytes, base64 (for Dropped and ProcessingFailed: the original bytes). */
  readonly data: string
  readonly metadata?: { readonly partitionKeys: FirehosePartitionKeys }
}

export interface FirehoseTransformationResult {
  readonly records: ReadonlyArray<FirehoseTransformationResultRecord>
}

/**
 * Lambda's limit on a synchronous response: 6 MB, counted by the runtime as 6 MiB (a larger
 * response fails the invocation with HTTP 413; Firehose then retries the whole batch and sends
 * it to the error output). Source: AWS Lambda developer guide, "Lambda quotas" (invocation
 * payload, synchronous: 6 MB each for request and response).
 */
export const LAMBDA_MAX_RESPONSE_BYTES = 6 * 1024 * 1024
