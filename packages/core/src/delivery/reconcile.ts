/**
 * Partial-failure reconciliation: from a batch and its per-record outcomes, decide what is done,
 * what to retry, what to dead-letter — keeping each key's order.
 *
 * The rule per key, walking the batch in order: records before the key's first transient
 * failure are done; that failure and every later record of the key are retried, in order, even
 * if a later one happened to succeed (it is rewritten after the earlier one, which is safe
 * because writes are idempotent, and the only way the key's order survives); a `Poison` record
 * is dead-lettered wherever it stands, since it will never be written and so cannot be out of
 * order. A `Fatal` outcome is reported apart: the pipeline is broken and the caller must stop.
 *
 *     key A:  ok   ok   FAIL  ok   POISON  ok
 *             done done retry retry dead   retry
 */
import type { DeliveryError, Fatal, Poison } from "./errors.ts"

export type RecordOutcome =
  | { readonly _tag: "Succeeded" }
  | { readonly _tag: "Failed"; readonly error: DeliveryError }
  /** Not attempted (e.g. held back behind an earlier record of its key). */
  | { readonly _tag: "Skipped" }

export const succeeded: RecordOutcome = { _tag: "Succeeded" }
export const skipped: RecordOutcome = { _tag: "Skipped" }
export const failed = (error: DeliveryError): RecordOutcome => ({ _tag: "Failed", error })

export interface Reconciliation<T> {
  readonly done: ReadonlyArray<T>
  /** In batch order; each key's records keep their relative order. */
  readonly retry: ReadonlyArray<T>
  readonly deadLetter: ReadonlyArray<{ readonly record: T; readonly error: Poison }>
  readonly fatal: ReadonlyArray<{ readonly record: T; readonly error: Fatal }>
}

export const reconcile = <T>(
  batch: ReadonlyArray<T>,
  outcomes: ReadonlyArray<RecordOutcome>,
  keyOf: (record: T) => string,
): Reconciliation<T> => {
  if (batch.length !== outcomes.length) {
    throw new RangeError(`reconcile: ${batch.length} records but ${outcomes.length} outcomes`)
  }
  const blocked = new Set<string>()
  const done: T[] = []
  const retry: T[] = []
  const deadLetter: { record: T; error: Poison }[] = []
  const fatal: { record: T; error: Fatal }[] = []
  for (let i = 0; i < batch.length; i++) {
    const record = batch[i] as T
    const outcome = outcomes[i] as RecordOutcome
    const key = keyOf(record)
    if (outcome._tag === "Failed" && outcome.error._tag === "Poison") {
      deadLetter.push({ record, error: outcome.error })
    } else if (outcome._tag === "Failed" && outcome.error._tag === "Fatal") {
      fatal.push({ record, error: outcome.error })
      blocked.add(key)
    } else if (blocked.has(key) || outcome._tag !== "Succeeded") {
      blocked.add(key)
      retry.push(record)
    } else {
      done.push(record)
    }
  }
  return { done, retry, deadLetter, fatal }
}
