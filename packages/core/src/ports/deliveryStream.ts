/**
 * Port: the delivery stream — Firehose as the pipeline needs it.
 *
 * `putRecordBatch` hands records to the stream, which buffers them (size and interval hints),
 * transforms, compresses and writes them into the lake as few large objects. Adapters split the
 * records into calls within `limits` and retry only the records that failed, with backoff; the
 * result has one entry per record, in input order. A record over `limits.maxRecordBytes` fails
 * `Poison` at once; a record still failing when the retry policy gives up fails with its last
 * error, and the caller decides (keep it in its source and try later, or dead-letter it).
 *
 * `Accepted` means the stream took responsibility for the record — it does not mean the record
 * is in the lake yet. How long it may sit in a buffer, and what a crash does to it, is each
 * adapter's stated guarantee (Firehose: durable once accepted; the local stream: see
 * adapters-local/src/lake, which reports durability so its feeder can checkpoint safely).
 */
import { Context, type Effect } from "effect"
import type { BatchLimits } from "../batching/limits.ts"
import type { Fatal, Poison, Retryable, Throttled } from "../delivery/errors.ts"

export type PutRecordResult =
  | { readonly _tag: "Accepted"; readonly recordId: string }
  | { readonly _tag: "Failed"; readonly error: Retryable | Throttled | Poison }

export type DeliveryStreamError = Retryable | Throttled | Fatal

export class DeliveryStream extends Context.Service<
  DeliveryStream,
  {
    /** The delivery stream's name (the Firehose stream's, or the local stream's). */
    readonly name: string
    /** PutRecordBatch limits: records per call, bytes per call, bytes per record. */
    readonly limits: BatchLimits
    /** Sends records, retrying failed ones; one result per record, in order. */
    readonly putRecordBatch: (
      records: ReadonlyArray<Uint8Array>,
    ) => Effect.Effect<ReadonlyArray<PutRecordResult>, DeliveryStreamError>
    /** Resolves once every record accepted so far is delivered (a no-op where the service flushes itself). */
    readonly flush: () => Effect.Effect<void, DeliveryStreamError>
  }
>()("@sluice/core/ports/DeliveryStream") {}
