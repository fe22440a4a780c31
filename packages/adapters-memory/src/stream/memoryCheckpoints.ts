/**
 * The Checkpoints port in memory: never moves a checkpoint backwards (sequence numbers compared
 * as numbers), and can fail a seeded share of `set` calls with Retryable — before or, with
 * `errorAfterWrite`, after applying it (the caller cannot tell which; a retry is harmless).
 */
import { type CheckpointError, Checkpoints, Retryable } from "@sluice/core"
import { Effect, Layer } from "effect"
import { seededRandom } from "../seededRandom.ts"

export interface MemoryCheckpointsOptions {
  readonly faults?: { readonly error?: number; readonly errorAfterWrite?: number }
  readonly seed?: number
}

export type MemoryCheckpointsState = Map<string, Map<string, string>>

export const makeService = (
  state: MemoryCheckpointsState,
  options: MemoryCheckpointsOptions = {},
): Checkpoints["Service"] => {
  const random = seededRandom(options.seed ?? 1)
  const draw = (p: number | undefined) => p !== undefined && p > 0 && random.next() < p
  return Checkpoints.of({
    get: (consumer, shardId) => Effect.sync(() => state.get(consumer)?.get(shardId)),
    set: (consumer, shardId, sequenceNumber) =>
      Effect.suspend((): Effect.Effect<void, CheckpointError> => {
        if (draw(options.faults?.error))
          return Effect.fail(new Retryable({ reason: "simulated checkpoint store error" }))
        const shards = state.get(consumer) ?? new Map<string, string>()
        state.set(consumer, shards)
        const current = shards.get(shardId)
        if (current === undefined || BigInt(sequenceNumber) > BigInt(current))
          shards.set(shardId, sequenceNumber)
        if (draw(options.faults?.errorAfterWrite))
          return Effect.fail(new Retryable({ reason: "simulated timeout after the checkpoint was stored" }))
        return Effect.void
      }),
  })
}

export const make = (options: MemoryCheckpointsOptions = {}): Checkpoints["Service"] =>
  makeService(new Map(), options)

export const layer = (options: MemoryCheckpointsOptions = {}): Layer.Layer<Checkpoints> =>
  Layer.sync(Checkpoints, () => make(options))

/** Plain-Promise facade, with the stored checkpoints for tests. */
export const memoryCheckpoints = (options: MemoryCheckpointsOptions = {}) => {
  const state: MemoryCheckpointsState = new Map()
  const service = makeService(state, options)
  return {
    service,
    state,
    get: (consumer: string, shardId: string) => Effect.runPromise(service.get(consumer, shardId)),
    set: (consumer: string, shardId: string, sequenceNumber: string) =>
      Effect.runPromise(service.set(consumer, shardId, sequenceNumber)),
  }
}
export type MemoryCheckpoints = ReturnType<typeof memoryCheckpoints>
