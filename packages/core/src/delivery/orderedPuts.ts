/**
 * Ordered puts to a stream that reorders on partial failure.
 *
 * Kinesis PutRecords is not atomic: if A1 fails and A2 succeeds in one call, A2 lands first and
 * a retry puts A1 after it — the key's order is broken. We never let that happen: each call
 * carries at most one stream record per partition key, and that record aggregates (KPL) as many
 * of the key's pending records as fit in one. A key's write in a call is thus all-or-nothing;
 * if it fails, the key's records stay at the head of its queue for the next call, ahead of
 * anything newer.
 *
 *     pending  A: a1 a2 a3   B: b1
 *     call 1   [agg(a1 a2 a3), agg(b1)]  → A fails, B ok
 *     call 2   [agg(a1 a2 a3 …newer A)]  → ok       order of A kept, B never waited on A
 *
 * `planOrderedCall` picks the next call from the pending queues; `settleOrderedCall` removes
 * what was written. Both are pure.
 */
import { aggregate, aggregatedEntrySize, aggregateOverhead } from "../batching/kpl.ts"
import type { BatchLimits } from "../batching/limits.ts"
import { utf8Length } from "../telemetry/json.ts"

export interface PendingRecord {
  readonly partitionKey: string
  readonly data: Uint8Array
}

/** One stream record of a call: the key and how many of its pending records it carries. */
export interface OrderedEntry {
  readonly partitionKey: string
  readonly data: Uint8Array
  readonly count: number
}

export interface OrderedCall {
  readonly entries: ReadonlyArray<OrderedEntry>
}

/** Records too large to send even alone, removed from the queues with a reason. */
export interface OversizedRecord {
  readonly record: PendingRecord
  readonly reason: string
}

/**
 * Plans the next call. Queues map a partition key to its pending records, oldest first. Keys
 * are visited in the map's order, so the oldest waiting key goes first. Oversized records at
 * the head of a queue are taken out — returned in `oversized`, and absent from the returned
 * `queues`, which the caller settles the call against — so they cannot block their key.
 */
export const planOrderedCall = (
  queues: ReadonlyMap<string, ReadonlyArray<PendingRecord>>,
  limits: BatchLimits,
  options: { readonly aggregate: boolean } = { aggregate: true },
): {
  readonly call: OrderedCall
  readonly oversized: ReadonlyArray<OversizedRecord>
  readonly queues: ReadonlyMap<string, ReadonlyArray<PendingRecord>>
} => {
  const entries: OrderedEntry[] = []
  const trimmed = new Map(queues)
  const oversized: OversizedRecord[] = []
  let bytes = 0
  for (const [partitionKey, queue] of queues) {
    if (entries.length === limits.maxCount) break
    const keyBytes = utf8Length(partitionKey)
    let start = 0
    // Drop oversized records at the head: they can never be sent, and must not block the key.
    while (
      start < queue.length &&
      keyBytes + (queue[start] as PendingRecord).data.length > limits.maxRecordBytes
    ) {
      const record = queue[start] as PendingRecord
      oversized.push({
        record,
        reason: `record is ${keyBytes + record.data.length} bytes with its partition key, over the ${limits.maxRecordBytes}-byte limit per record`,
      })
      start++
    }
    if (start > 0) {
      if (start === queue.length) trimmed.delete(partitionKey)
      else trimmed.set(partitionKey, queue.slice(start))
    }
    if (start === queue.length) continue
    const room = Math.min(limits.maxRecordBytes, limits.maxBytes - bytes)
    const entry = options.aggregate
      ? aggregateHead(partitionKey, queue, start, room)
      : plainHead(queue, start, keyBytes, room)
    if (entry === undefined) break
    entries.push({ partitionKey, data: entry.data, count: entry.count })
    bytes += keyBytes + entry.data.length
  }
  return { call: { entries }, oversized, queues: trimmed }
}

const plainHead = (queue: ReadonlyArray<PendingRecord>, start: number, keyBytes: number, room: number) => {
  const head = queue[start] as PendingRecord
  return keyBytes + head.data.length > room ? undefined : { data: head.data, count: 1 }
}

const aggregateHead = (
  partitionKey: string,
  queue: ReadonlyArray<PendingRecord>,
  start: number,
  room: number,
) => {
  const keyBytes = utf8Length(partitionKey)
  let size = keyBytes + aggregateOverhead([partitionKey])
  let end = start
  while (end < queue.length) {
    const next = size + aggregatedEntrySize((queue[end] as PendingRecord).data.length)
    if (next > room) break
    size = next
    end++
  }
  if (end === start) {
    // Not even one record fits aggregated; send the head as a plain record if it fits.
    const head = queue[start] as PendingRecord
    return keyBytes + head.data.length > room ? undefined : { data: head.data, count: 1 }
  }
  if (end === start + 1) return { data: (queue[start] as PendingRecord).data, count: 1 }
  const data = aggregate(queue.slice(start, end).map((record) => ({ partitionKey, data: record.data })))
  return { data, count: end - start }
}

/**
 * Removes what a call wrote from the queues returned by `planOrderedCall`: for each entry that
 * succeeded, its `count` head records; failed entries leave their queue untouched.
 * Returns new queues; emptied keys are dropped. Keys that failed move to the front, so the
 * next call retries them before newer keys.
 */
export const settleOrderedCall = (
  queues: ReadonlyMap<string, ReadonlyArray<PendingRecord>>,
  call: OrderedCall,
  succeeded: ReadonlyArray<boolean>,
): Map<string, ReadonlyArray<PendingRecord>> => {
  const failedKeys = new Map<string, ReadonlyArray<PendingRecord>>()
  const rest = new Map(queues)
  call.entries.forEach((entry, i) => {
    const queue = rest.get(entry.partitionKey) ?? []
    if (succeeded[i]) {
      const remaining = queue.slice(entry.count)
      if (remaining.length === 0) rest.delete(entry.partitionKey)
      else rest.set(entry.partitionKey, remaining)
    } else {
      failedKeys.set(entry.partitionKey, queue)
      rest.delete(entry.partitionKey)
    }
  })
  return new Map([...failedKeys, ...rest])
}
