/**
 * DynamoDB failures as core's delivery errors.
 *
 * - Throttled: `ProvisionedThroughputExceededException`, `ThrottlingException`,
 *   `RequestLimitExceeded` (account-level), or anything the SDK marks as throttling.
 * - Poison: `ValidationException` about the item itself (too large, a number out of range, an
 *   empty set…): that item can never be written, so it is dead-lettered, never retried.
 * - Fatal: the pipeline is misconfigured and no record is at fault: a missing table, denied
 *   access, bad credentials, and the `ValidationException`s that mean our keys do not match the
 *   table's key schema — which would otherwise dead-letter every record in silence.
 * - Retryable: 5xx, `InternalServerError`, transport failures and timeouts, and anything unknown
 *   (as core's `toDeliveryError`: bounded retries surface it without dropping data).
 */
import { Fatal, Poison, Retryable, type TableError, Throttled } from "@sluice/core"
import { type AwsErrorFacts, awsErrorFacts, describeAwsError } from "../awsError.ts"

const THROTTLED = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
])

const FATAL = new Set([
  "ResourceNotFoundException",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "MissingAuthenticationTokenException",
  "IncompleteSignatureException",
  "CredentialsProviderError",
])

// ValidationException messages that mean "your table is not shaped as you think".
const SCHEMA_MISMATCH = [
  /key element does not match the schema/i,
  /missing the key/i,
  /required keys? (was|were) not given/i,
  /type mismatch for key/i,
]

export const isSchemaMismatch = (facts: AwsErrorFacts): boolean =>
  SCHEMA_MISMATCH.some((pattern) => pattern.test(facts.message))

/** Classifies the failure of a DynamoDB call on `table`. */
export const classifyDynamoError = (error: unknown, operation: string, table: string): TableError => {
  const facts = awsErrorFacts(error)
  const reason = `DynamoDB ${operation} on ${table}: ${describeAwsError(facts)}`
  if (THROTTLED.has(facts.name) || facts.throttling) return new Throttled({ reason })
  if (FATAL.has(facts.name)) return new Fatal({ reason, cause: error })
  if (facts.name === "ValidationException")
    return isSchemaMismatch(facts) ? new Fatal({ reason, cause: error }) : new Poison({ reason })
  return new Retryable({ reason, cause: error })
}

export const isConditionalCheckFailed = (error: unknown): boolean =>
  awsErrorFacts(error).name === "ConditionalCheckFailedException"
