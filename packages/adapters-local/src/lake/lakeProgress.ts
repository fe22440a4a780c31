/**
 * What the local delivery stream reports beyond the DeliveryStream port: how far its accepted
 * records are durable, a way to drive its interval flush, and counters.
 *
 * This is the small interface between the lake and whatever feeds it (decision 0603). The
 * local stream accepts records into memory buffers; a crash loses what is buffered. A feeder
 * that reads from a durable source (the stack's stream log) therefore checkpoints a record only
 * once it is durable: records are numbered 0, 1, 2, … in acceptance order — an `Accepted`
 * result's `recordId` is that number in decimal — and every record numbered below
 * `durableCount` is in a written object (data or error output) or was deliberately dropped.
 * streamToLake.ts is that feeder.
 */
import type { DeliveryStreamError } from "@sluice/core"
import { Context, type Effect } from "effect"

export interface LakeStats {
  /** Records accepted by putRecordBatch. */
  readonly accepted: number
  /** Records the transform dropped on purpose. */
  readonly dropped: number
  /** Records written to the error output. */
  readonly failed: number
  /** Records in written data objects, and the readings they hold. */
  readonly deliveredRecords: number
  readonly deliveredReadings: number
  readonly objectsWritten: number
  readonly errorObjectsWritten: number
  /** Compressed bytes written. */
  readonly bytesWritten: number
  /** Records waiting in buffers or in objects not yet written. */
  readonly buffered: number
}

export class LakeProgress extends Context.Service<
  LakeProgress,
  {
    /** Every record numbered below this is durable (written, or dropped on purpose). */
    readonly durableCount: () => Effect.Effect<number>
    /** Writes the buffers whose interval has passed (the ticker calls this; tests may too). */
    readonly tick: () => Effect.Effect<void, DeliveryStreamError>
    readonly stats: () => Effect.Effect<LakeStats>
  }
>()("@sluice/adapters-local/LakeProgress") {}
