/**
 * Options of the Kinesis consumer, their defaults, and the summary a batch produces.
 *
 * `KinesisConsumerOptions` configures the plain handler (`kinesisConsumer`);
 * `KinesisBatchOptions` is the per-invocation view the Effect (`processKinesisBatch`) takes —
 * the same settings without the table and dead letters (those come from the Effect context),
 * plus the Lambda context of the invocation for its deadline.
 */
import type { RetryPolicy } from "../delivery/retryPolicy.ts"
import type { DeadLettersLike } from "../facade/plainDeadLetters.ts"
import type { TableLike } from "../facade/plainTable.ts"
import type { Item } from "../ports/table.ts"
import type { ProjectionBatchSummary } from "../projections/consumerProjections.ts"
import type { NewProjections } from "../projections/handover.ts"
import type { AnyProjection } from "../projections/projection.ts"
import type { ProjectionStoreLike } from "../projections/projectionStoreOf.ts"
import type { KinesisBatchResponse, LambdaContextLike } from "./kinesisEvent.ts"

/**
 * - `ordered`: per partition key, a key stops at its first transient failure — its later records
 *   in the batch are neither written nor allowed to move the device's latest-state record, and
 *   are retried after it, in order.
 * - `parallel`: every record is attempted whatever happened to the others of its key; readings
 *   and latest-state records are written in one pass (the latest-state write is conditional, so
 *   it still never moves backwards).
 */
export type ConsumerMode = "ordered" | "parallel"

/** Settings shared by the plain handler and the Effect. */
export interface KinesisConsumerSettings {
  /** Default `ordered`. */
  readonly mode?: ConsumerMode
  /** Table batch writes in flight at once. Default 4. */
  readonly concurrency?: number
  /** Backoff of table and dead-letter writes within one invocation. Default `defaultRetryPolicy`. */
  readonly retry?: RetryPolicy
  /**
   * Time kept in reserve before the Lambda deadline: once less than this remains, no new work
   * starts and the rest of the batch is reported for retry. Default 1,000 ms.
   */
  readonly deadlineMarginMs?: number
  /** Stream name in dead-letter coordinates. Default: from the records' `eventSourceARN`. */
  readonly streamName?: string
  /**
   * User records per unit of work. Between units the deadline is checked and, in ordered mode,
   * failed keys stop. Default 1,000.
   */
  readonly chunkSize?: number
}

export interface KinesisBatchOptions extends KinesisConsumerSettings {
  /** The invocation's Lambda context, for its deadline. Without it there is no deadline. */
  readonly context?: LambdaContextLike
  /** Write the devices' latest-state records (the `latest-state` projection). Default true. */
  readonly latestState?: boolean
  /** Hand back the stored entries before the first retry, for projections. Default false. */
  readonly collectStored?: boolean
}

export interface KinesisConsumerOptions extends KinesisConsumerSettings {
  /** Where readings go: any `PlainTable`, or an adapter's table (e.g. `memoryTable()`). */
  readonly table: TableLike
  /**
   * Where poison records go. Default: one structured JSON line per dead letter on stderr
   * (`consoleDeadLetters`), which CloudWatch Logs keeps — see the README.
   */
  readonly deadLetters?: DeadLettersLike
  /** Called with each batch's summary (metrics, logs); must not throw. */
  readonly onBatch?: (summary: KinesisBatchSummary) => void
  /**
   * Projections run on each batch's stored readings (core/projections). Default: the latest-state
   * record alone, written by the batch itself; leave `latestState` out to stop writing it.
   */
  readonly projections?: ReadonlyArray<AnyProjection>
  /** Where projections other than the latest state keep views, states and progress. */
  readonly projectionStore?: ProjectionStoreLike
  /** A projection the store has never seen waits for a rebuild (default) or starts at its first batch. */
  readonly newProjections?: NewProjections
}

/** What became of a batch. `entries = stored + deadLettered + retry`, always. */
export interface KinesisBatchSummary {
  /** Kinesis records in the event. */
  readonly records: number
  /** User records: a plain record counts one, a KPL aggregate one per sub-record (or one if corrupt). */
  readonly entries: number
  /** In the table (a duplicate counts as stored when the reading it repeats is). */
  readonly stored: number
  readonly deadLettered: number
  /** Reported back to Lambda: re-delivered from the checkpoint. */
  readonly retry: number
  /** Entries whose event id appeared earlier in the batch (written once, counted above). */
  readonly duplicates: number
  /** True when work stopped because the deadline was near. */
  readonly deadlineReached: boolean
  /** What the projections did, when any besides the latest state ran (or under tumbling windows). */
  readonly projections?: ProjectionBatchSummary
}

/** A stored entry handed back for projections (`collectStored`). */
export interface StoredEntry {
  readonly item: Item
  readonly sequenceNumber: string
  readonly subSequenceNumber: number | undefined
}

export interface KinesisBatchResult {
  readonly response: KinesisBatchResponse
  readonly summary: KinesisBatchSummary
  /** With `collectStored`: the stored entries before the first retry, in shard order. */
  readonly stored?: ReadonlyArray<StoredEntry>
}

export const DEFAULT_CONCURRENCY = 4
export const DEFAULT_DEADLINE_MARGIN_MS = 1_000
export const DEFAULT_CHUNK_SIZE = 1_000
