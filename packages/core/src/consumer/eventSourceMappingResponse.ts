/**
 * What an invocation's outcome means for its batch, read the way Lambda reads a Kinesis
 * function's answer when ReportBatchItemFailures is on (Lambda developer guide, "Reporting
 * batch item failures"):
 *
 * - success: the function returned nothing, `null`, an object without `batchItemFailures`, or an
 *   empty list;
 * - partial failure: every listed `itemIdentifier` is the sequence number of a record of the
 *   batch; Lambda checkpoints before the lowest one and retries from there;
 * - whole batch failed: the function threw or timed out (a function error), or the response is
 *   not a valid partial response — an item without an identifier, an empty or non-string one,
 *   one naming no record of the batch, a `batchItemFailures` that is not a list, or a reply that
 *   is not an object at all (no silent success on a malformed answer).
 *
 * With ReportBatchItemFailures off, any reply is success and only a function error fails.
 */
import type { StreamRecord } from "../ports/stream.ts"

export type InvocationOutcome =
  | { readonly _tag: "Returned"; readonly response: unknown }
  | { readonly _tag: "Threw"; readonly error: unknown }
  | { readonly _tag: "TimedOut"; readonly afterMs: number }

export type BatchVerdict =
  | { readonly _tag: "Succeeded" }
  /** `firstFailed`: index in the batch of the lowest sequence number reported. */
  | { readonly _tag: "PartiallyFailed"; readonly firstFailed: number }
  | {
      readonly _tag: "Failed"
      /** A function error ("Unhandled", as AWS reports throws and timeouts), or none for a bad reply. */
      readonly functionError?: "Unhandled"
      readonly reason: string
    }

const describe = (error: unknown): string =>
  error instanceof Error
    ? `${error.name}: ${error.message}`
    : `thrown ${JSON.stringify(error) ?? String(error)}`

export const verdictOf = (
  batch: ReadonlyArray<StreamRecord>,
  outcome: InvocationOutcome,
  reportBatchItemFailures = true,
): BatchVerdict => {
  if (outcome._tag === "Threw")
    return { _tag: "Failed", functionError: "Unhandled", reason: describe(outcome.error) }
  if (outcome._tag === "TimedOut")
    return {
      _tag: "Failed",
      functionError: "Unhandled",
      reason: `Task timed out after ${outcome.afterMs} ms`,
    }
  if (!reportBatchItemFailures) return { _tag: "Succeeded" }
  const response = outcome.response
  if (response === undefined || response === null) return { _tag: "Succeeded" }
  if (typeof response !== "object" || Array.isArray(response))
    return {
      _tag: "Failed",
      reason: `the response is not a batch response object: ${JSON.stringify(response)}`,
    }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures
  if (failures === undefined || failures === null) return { _tag: "Succeeded" }
  if (!Array.isArray(failures)) return { _tag: "Failed", reason: "batchItemFailures is not a list" }
  if (failures.length === 0) return { _tag: "Succeeded" }
  const indexOf = new Map(batch.map((record, index) => [record.sequenceNumber, index]))
  let firstFailed = batch.length
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier
    if (typeof id !== "string" || id === "")
      return {
        _tag: "Failed",
        reason: `a batch item failure has no itemIdentifier: ${JSON.stringify(failure)}`,
      }
    const index = indexOf.get(id)
    if (index === undefined)
      return { _tag: "Failed", reason: `itemIdentifier ${id} is not a sequence number of this batch` }
    firstFailed = Math.min(firstFailed, index)
  }
  return { _tag: "PartiallyFailed", firstFailed }
}
