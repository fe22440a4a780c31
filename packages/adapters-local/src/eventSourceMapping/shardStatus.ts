/**
 * What a running event source mapping reports about each shard, for metrics and `sluice up`'s
 * dashboard: where it is (checkpoint, records buffered), how far behind (iterator age — the age
 * of the newest record of the last batch when it was invoked, Lambda's IteratorAge metric — and
 * the stream's millisBehindLatest), and counts of what happened.
 */
import type { DiscardedRecords, OnFailureRecord } from "@sluice/core"

export interface ShardStatus {
  readonly shardId: string
  state: "starting" | "polling" | "invoking" | "stopped" | "failed"
  /** The last durably stored checkpoint. */
  checkpoint: string | undefined
  buffered: number
  iteratorAgeMs: number
  millisBehindLatest: number
  reads: number
  readErrors: number
  invocations: number
  /** Invocations that threw, timed out or answered with a malformed reply. */
  failedInvocations: number
  partialFailures: number
  retries: number
  /** Records the handler completed (checkpointed past after success or a partial reply). */
  recordsDone: number
  /** Records sent to the on-failure destination after the retry quota. */
  recordsDiscarded: number
  /** Records sent to the on-failure destination for their age. */
  recordsExpired: number
  lastError: string | undefined
}

export const emptyShardStatus = (shardId: string): ShardStatus => ({
  shardId,
  state: "starting",
  checkpoint: undefined,
  buffered: 0,
  iteratorAgeMs: 0,
  millisBehindLatest: 0,
  reads: 0,
  readErrors: 0,
  invocations: 0,
  failedInvocations: 0,
  partialFailures: 0,
  retries: 0,
  recordsDone: 0,
  recordsDiscarded: 0,
  recordsExpired: 0,
  lastError: undefined,
})

/** Delivers one discard to the on-failure destination; resolves once it is stored. */
export type OnFailureRecordSender = (
  failure: OnFailureRecord,
  discarded: DiscardedRecords,
  now: number,
) => Promise<void>
