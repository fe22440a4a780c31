/**
 * Firehose failures as core's delivery errors.
 *
 * PutRecordBatch fails at two levels. Per record, `RequestResponses[i].ErrorCode` is documented
 * as `ServiceUnavailableException` (the stream is over its throughput: Throttled) or
 * `InternalFailure` (Retryable); any other per-record code is Retryable — a record-level failure
 * never means the pipeline is broken. A whole call fails with a service error:
 * `ServiceUnavailableException` and `LimitExceededException` are Throttled; a missing stream,
 * denied access, a broken KMS key or an invalid request (we check sizes before sending, so it
 * is ours) are Fatal; 5xx answers and transport failures are Retryable, as is anything unknown.
 * Source: Amazon Data Firehose API reference, PutRecordBatch (Errors, PutRecordBatchResponseEntry).
 */
import { Fatal, Retryable, Throttled } from "@sluice/core"
import { awsErrorFacts, describeAwsError } from "../awsError.ts"

const THROTTLED = new Set(["ServiceUnavailableException", "LimitExceededException", "ThrottlingException"])
const FATAL = new Set([
  "ResourceNotFoundException",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "MissingAuthenticationTokenException",
  "InvalidKMSResourceException",
  "InvalidSourceException",
  "InvalidArgumentException",
  "ValidationException",
])

export type FirehoseCallError = Retryable | Throttled | Fatal

export const classifyFirehoseError = (error: unknown): FirehoseCallError => {
  const facts = awsErrorFacts(error)
  const reason = `Firehose PutRecordBatch: ${describeAwsError(facts)}`
  if (THROTTLED.has(facts.name) || facts.throttling) return new Throttled({ reason })
  if (FATAL.has(facts.name)) return new Fatal({ reason, cause: error })
  return new Retryable({ reason, cause: error })
}

export const classifyRecordError = (
  errorCode: string,
  errorMessage: string | undefined,
): Retryable | Throttled => {
  const reason = errorMessage ? `${errorCode}: ${errorMessage}` : errorCode
  return errorCode === "ServiceUnavailableException" ? new Throttled({ reason }) : new Retryable({ reason })
}
