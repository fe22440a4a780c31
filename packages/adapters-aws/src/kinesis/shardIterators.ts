/**
 * A cache of shard iterators by (shard, position), so a reader that polls a shard spends one
 * GetRecords per poll instead of a GetShardIterator plus a GetRecords.
 *
 * GetShardIterator is limited to 5 calls per second per shard (Kinesis API reference), and
 * every GetRecords answer already carries the iterator for the position after it. So after each
 * read the adapter stores `NextShardIterator` under the position the port reports as `next`;
 * the caller's next read from that position finds it here. When a read returns no records the
 * position is unchanged and the newer iterator replaces the old one — that is what lets a
 * `LATEST` reader keep its place instead of jumping to the tip on every poll.
 *
 * Iterators may be used more than once, so sharing one between readers of the same position
 * is safe. Entries expire before Kinesis expires them (5 minutes) and the cache is bounded:
 * past `maxEntries` the oldest entry is evicted.
 */
import type { StartPosition } from "@sluice/core"
import { SHARD_ITERATOR_LIFETIME_MS } from "./kinesisApi.ts"

/** Reuse an iterator for at most this long: a margin under Kinesis's 5-minute expiry. */
export const ITERATOR_REUSE_MS = SHARD_ITERATOR_LIFETIME_MS - 30_000

export const positionKey = (shardId: string, position: StartPosition): string => {
  switch (position.type) {
    case "TRIM_HORIZON":
    case "LATEST":
      return `${shardId}|${position.type}`
    case "AT_SEQUENCE_NUMBER":
    case "AFTER_SEQUENCE_NUMBER":
      return `${shardId}|${position.type}|${position.sequenceNumber}`
    case "AT_TIMESTAMP":
      return `${shardId}|${position.type}|${position.timestamp}`
  }
}

interface Entry {
  readonly iterator: string
  readonly storedAt: number
}

export class ShardIteratorCache {
  readonly #entries = new Map<string, Entry>()

  constructor(
    readonly maxEntries = 1024,
    readonly reuseMs = ITERATOR_REUSE_MS,
  ) {}

  /** A fresh-enough iterator for the position, if one is cached. */
  get(key: string, now: number): string | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (now - entry.storedAt > this.reuseMs) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.iterator
  }

  set(key: string, iterator: string, now: number): void {
    this.#entries.delete(key)
    this.#entries.set(key, { iterator, storedAt: now })
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
  }

  delete(key: string): void {
    this.#entries.delete(key)
  }

  get size(): number {
    return this.#entries.size
  }
}
