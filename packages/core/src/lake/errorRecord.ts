/**
 * The record Firehose writes under the error prefix for each record whose transformation failed.
 *
 * Shape as documented ("Handle failure in data transformation"): `attemptsMade`,
 * `arrivalTimestamp`, `errorCode`, `errorMessage`, `attemptEndingTimestamp`, `rawData` (the
 * record's original bytes, base64) and `lambdaArn`. Error objects hold one such JSON object per
 * line, so the error output is queryable like the data.
 *
 * Error codes: `Lambda.ProcessingFailed` (the transform answered ProcessingFailed), and for a
 * failed invocation `Lambda.FunctionError`, `Lambda.MissingRecordId`, `Lambda.DuplicatedRecordId`
 * or `Lambda.InvalidResponse` (the batch goes to the error output after the retries). A record
 * whose partition keys cannot form a key gets `DynamicPartitioning.InvalidPartitionKey`. On AWS
 * a ProcessingFailed record's message is Firehose's own; locally it is the transform's reason.
 */

export interface ProcessingFailedRecord {
  readonly attemptsMade: number
  /** When the stream accepted the record, epoch milliseconds. */
  readonly arrivalTimestamp: number
  readonly errorCode: string
  readonly errorMessage: string
  /** When the stream gave up on transforming it, epoch milliseconds. */
  readonly attemptEndingTimestamp: number
  /** The record as it arrived, base64. */
  readonly rawData: string
  readonly lambdaArn: string
}

export type ErrorCode =
  | "Lambda.ProcessingFailed"
  | "Lambda.FunctionError"
  | "Lambda.MissingRecordId"
  | "Lambda.DuplicatedRecordId"
  | "Lambda.InvalidResponse"
  | "DynamicPartitioning.InvalidPartitionKey"

/** The error output type of transformation failures (`!{firehose:error-output-type}`). */
export const PROCESSING_FAILED = "processing-failed"

/** One line of an error object. */
export const errorRecordLine = (record: ProcessingFailedRecord): string => `${JSON.stringify(record)}\n`
