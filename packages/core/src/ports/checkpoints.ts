/**
 * Port: consumer checkpoints — how far each consumer has processed each shard.
 *
 * A checkpoint is the sequence number of the last record fully processed; a consumer restarts
 * after it. `set` resolves only once the checkpoint is durable, and never moves a checkpoint
 * backwards (a late, stale `set` is ignored), so a restart never skips unprocessed records
 * and at worst repeats processed ones — which idempotent writes absorb.
 */
import { Context, type Effect } from "effect"
import type { Fatal, Retryable } from "../delivery/errors.ts"

export type CheckpointError = Retryable | Fatal

export class Checkpoints extends Context.Service<
  Checkpoints,
  {
    /** The last processed sequence number of a shard for a consumer, if any. */
    readonly get: (consumer: string, shardId: string) => Effect.Effect<string | undefined, CheckpointError>
    /** Durably records progress; ignored if it would move the checkpoint backwards. */
    readonly set: (
      consumer: string,
      shardId: string,
      sequenceNumber: string,
    ) => Effect.Effect<void, CheckpointError>
  }
>()("@sluice/core/ports/Checkpoints") {}
