/**
 * The batch planner: packs records, in order, into as few batches as the limits allow.
 *
 * Greedy and order-preserving: a batch closes when the next record would break its count or
 * byte limit. A record larger than `maxRecordBytes` can never be sent; it is rejected with a
 * reason — never dropped silently — and the records around it are planned as usual. The
 * planner is pure and allocation-light, because it runs on every batch of every stage.
 */
import type { BatchLimits } from "./limits.ts"

export interface RejectedRecord<T> {
  readonly record: T
  /** Position of the record in the planner's input. */
  readonly index: number
  readonly reason: string
}

export interface BatchPlan<T> {
  readonly batches: ReadonlyArray<ReadonlyArray<T>>
  readonly rejected: ReadonlyArray<RejectedRecord<T>>
}

/** Checks limits are usable; a misconfigured profile is a programming error, so it throws. */
export const assertValidLimits = (limits: BatchLimits): void => {
  for (const key of ["maxCount", "maxBytes", "maxRecordBytes"] as const) {
    const value = limits[key]
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${key} must be a positive integer, got ${value}`)
  }
}

export const planBatches = <T>(
  records: ReadonlyArray<T>,
  sizeOf: (record: T) => number,
  limits: BatchLimits,
): BatchPlan<T> => {
  assertValidLimits(limits)
  const maxRecordBytes = Math.min(limits.maxRecordBytes, limits.maxBytes)
  const batches: T[][] = []
  const rejected: RejectedRecord<T>[] = []
  let current: T[] = []
  let bytes = 0
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as T
    const size = sizeOf(record)
    if (size > maxRecordBytes) {
      rejected.push({
        record,
        index,
        reason: `record is ${size} bytes, over the ${maxRecordBytes}-byte limit per record`,
      })
      continue
    }
    if (current.length === limits.maxCount || bytes + size > limits.maxBytes) {
      batches.push(current)
      current = []
      bytes = 0
    }
    current.push(record)
    bytes += size
  }
  if (current.length > 0) batches.push(current)
  return { batches, rejected }
}
