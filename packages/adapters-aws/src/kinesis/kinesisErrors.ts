/**
 * Kinesis failures as core's delivery errors.
 *
 * Two levels fail differently. A PutRecords call can succeed while some of its entries fail:
 * each failed entry carries an `ErrorCode`, documented as `ProvisionedThroughputExceededException`
 * (the shard is over 1,000 records/s or 1 MiB/s: Throttled) or `InternalFailure` (Retryable);
 * anything else an entry reports (KMS throttling on encrypted streams, codes added later) is
 * treated as Retryable, because an entry-level failure never means the pipeline is broken.
 * A whole call fails with a service error: throttling and limits are Throttled, a missing stream,
 * denied access or unusable KMS key are Fatal (retrying cannot help and no record is at fault),
 * 5xx answers and transport failures are Retryable. Unknown errors are Retryable, as core's
 * `toDeliveryError` does: bounded retries surface them without dropping data.
 */
import { Fatal, Retryable, Throttled } from "@sluice/core"
import { awsErrorFacts, describeAwsError } from "../awsError.ts"

const THROTTLED = new Set([
  "ProvisionedThroughputExceededException",
  "LimitExceededException",
  "KMSThrottlingException",
  "ThrottlingException",
])

const FATAL = new Set([
  "ResourceNotFoundException",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "MissingAuthenticationTokenException",
  "KMSAccessDeniedException",
  "KMSDisabledException",
  "KMSInvalidStateException",
  "KMSNotFoundException",
  "KMSOptInRequired",
  // Our own request was malformed: a bug or a misconfiguration, never the fault of one record
  // (per-record limits are checked before sending, see kinesisStream.ts).
  "InvalidArgumentException",
  "ValidationException",
])

export type KinesisCallError = Retryable | Throttled | Fatal

/** Classifies the failure of a whole Kinesis call. */
export const classifyKinesisError = (error: unknown, operation: string): KinesisCallError => {
  const facts = awsErrorFacts(error)
  const reason = `Kinesis ${operation}: ${describeAwsError(facts)}`
  if (THROTTLED.has(facts.name) || facts.throttling) return new Throttled({ reason })
  if (FATAL.has(facts.name)) return new Fatal({ reason, cause: error })
  return new Retryable({ reason, cause: error })
}

/** Classifies one failed entry of a PutRecords answer. */
export const classifyEntryError = (
  errorCode: string,
  errorMessage: string | undefined,
): Retryable | Throttled => {
  const reason = errorMessage ? `${errorCode}: ${errorMessage}` : errorCode
  return errorCode === "ProvisionedThroughputExceededException" || errorCode === "KMSThrottlingException"
    ? new Throttled({ reason })
    : new Retryable({ reason })
}

/** GetRecords with an iterator older than five minutes; the reader fetches a fresh one. */
export const isExpiredIterator = (error: unknown): boolean =>
  awsErrorFacts(error).name === "ExpiredIteratorException"
