/**
 * The record an event source mapping sends its on-failure destination (SQS, SNS) when it
 * discards Kinesis records — after MaximumRetryAttempts, or past MaximumRecordAgeInSeconds
 * (Lambda developer guide, "Retain discarded batch records for a Kinesis Data Streams event
 * source"). It carries no data, only where the records are, so they can be read back from the
 * stream while it retains them:
 *
 *     { "requestContext": { "requestId", "functionArn", "condition": "RetryAttemptsExhausted",
 *                           "approximateInvokeCount": 4 },
 *       "responseContext": { "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled" },
 *       "version": "1.0", "timestamp": "2026-11-26T07:12:43.000Z",
 *       "KinesisBatchInfo": { "shardId", "startSequenceNumber", "endSequenceNumber",
 *         "approximateArrivalOfFirstRecord", "approximateArrivalOfLastRecord", "batchSize", "streamArn" } }
 *
 * `responseContext` is left out for records discarded before any invocation, and
 * `functionError` when the last answer was a (failed) partial batch response, not an error.
 */
import type { StreamRecord } from "../ports/stream.ts"

export type DiscardCondition = "RetryAttemptsExhausted" | "RecordAgeExceeded"

export interface OnFailureRecord {
  readonly requestContext: {
    readonly requestId: string
    readonly functionArn: string
    readonly condition: DiscardCondition
    readonly approximateInvokeCount: number
  }
  readonly responseContext?: {
    readonly statusCode: number
    readonly executedVersion: string
    readonly functionError?: string
  }
  readonly version: "1.0"
  readonly timestamp: string
  readonly KinesisBatchInfo: {
    readonly shardId: string
    readonly startSequenceNumber: string
    readonly endSequenceNumber: string
    readonly approximateArrivalOfFirstRecord: string
    readonly approximateArrivalOfLastRecord: string
    readonly batchSize: number
    readonly streamArn: string
  }
}

export interface DiscardedRecords {
  /** In sequence order, all of one shard. */
  readonly records: ReadonlyArray<StreamRecord>
  readonly condition: DiscardCondition
  /** Invocations that included them since the checkpoint last moved. */
  readonly invokeCount: number
  /** "Unhandled" when the last invocation ended in a function error. */
  readonly functionError?: string
  /** The last failure, in words (not part of AWS's record; for logs and dead letters). */
  readonly reason: string
}

export const onFailureRecordOf = (
  discarded: DiscardedRecords,
  context: {
    readonly requestId: string
    readonly functionArn: string
    readonly streamArn: string
    readonly now: number
  },
): OnFailureRecord => {
  const first = discarded.records[0] as StreamRecord
  const last = discarded.records[discarded.records.length - 1] as StreamRecord
  return {
    requestContext: {
      requestId: context.requestId,
      functionArn: context.functionArn,
      condition: discarded.condition,
      approximateInvokeCount: discarded.invokeCount,
    },
    ...(discarded.invokeCount === 0
      ? {}
      : {
          responseContext: {
            statusCode: 200,
            executedVersion: "$LATEST",
            ...(discarded.functionError === undefined ? {} : { functionError: discarded.functionError }),
          },
        }),
    version: "1.0",
    timestamp: new Date(context.now).toISOString(),
    KinesisBatchInfo: {
      shardId: first.shardId,
      startSequenceNumber: first.sequenceNumber,
      endSequenceNumber: last.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(first.approximateArrivalTimestamp).toISOString(),
      approximateArrivalOfLastRecord: new Date(last.approximateArrivalTimestamp).toISOString(),
      batchSize: discarded.records.length,
      streamArn: context.streamArn,
    },
  }
}
