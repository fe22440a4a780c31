/**
 * S3 failures as core's delivery errors.
 *
 * - Throttled: `SlowDown` (503), and whatever the SDK itself marks as throttling.
 * - Fatal: the bucket is missing or unreachable for us (`NoSuchBucket`, `AccessDenied`, bad
 *   credentials or region): retrying cannot help and no object is at fault.
 * - Poison: another 4xx answer to one request (`EntityTooLarge`, `KeyTooLongError`,
 *   `InvalidArgument`): that object can never be written as asked.
 * - Retryable: 5xx answers, transport failures, and anything unknown (as core's
 *   `toDeliveryError`: bounded retries surface it without dropping data).
 */
import { Fatal, Poison, Retryable, Throttled } from "@sluice/core"
import { awsErrorFacts, describeAwsError } from "../awsError.ts"

const THROTTLED = new Set([
  "SlowDown",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
])
const FATAL = new Set([
  "NoSuchBucket",
  "AccessDenied",
  "AllAccessDisabled",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "PermanentRedirect",
  "AuthorizationHeaderMalformed",
  "InvalidBucketName",
])

export type S3Error = Retryable | Throttled | Fatal | Poison

export const classifyS3Error = (error: unknown, operation: string): S3Error => {
  const facts = awsErrorFacts(error)
  const reason = `S3 ${operation}: ${describeAwsError(facts)}`
  if (THROTTLED.has(facts.name) || facts.throttling || facts.status === 503) return new Throttled({ reason })
  if (FATAL.has(facts.name) || facts.status === 403 || facts.status === 301)
    return new Fatal({ reason, cause: error })
  if (
    facts.status !== undefined &&
    facts.status >= 400 &&
    facts.status < 500 &&
    facts.status !== 408 &&
    facts.status !== 429
  ) {
    return new Poison({ reason })
  }
  return new Retryable({ reason, cause: error })
}

/** GetObject of a key that does not exist. */
export const isNoSuchKey = (error: unknown): boolean => {
  const facts = awsErrorFacts(error)
  return facts.name === "NoSuchKey" || (facts.status === 404 && facts.name !== "NoSuchBucket")
}
