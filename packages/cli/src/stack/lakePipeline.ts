/**
 * One Firehose delivery stream of the local stack: the durable stream the rules' firehose
 * actions append to, fed by the lake feeder into the local delivery stream (buffering, the
 * transform, GZIP, atomic objects) under `<data-dir>/lake`.
 *
 * Stopping interrupts the feeder, reads what the stream still holds, writes every buffer (drain),
 * then stores the feeder's checkpoints — so a clean stop leaves every record of the stream in the
 * lake and nothing to redeliver, and a crash at any point loses nothing (the feeder checkpoints
 * only records whose objects are written).
 */

import {
  FileObjectStore,
  LakeProgress,
  type LakeStats,
  LocalDeliveryStream,
  makeLakeFeeder,
} from "@sluice/adapters-local"
import {
  type BufferHints,
  Checkpoints,
  type Checkpoints as CheckpointsPort,
  DeliveryStream,
  Stream,
} from "@sluice/core"
import { Context, Effect, Exit, Fiber, Layer, Scope } from "effect"

export interface LakePipeline {
  readonly name: string
  readonly stats: () => Promise<LakeStats>
  readonly flush: () => Promise<void>
  readonly stop: () => Promise<void>
}

export const startLakePipeline = async (options: {
  /** The delivery stream's name (the rule action's deliveryStreamName). */
  readonly name: string
  readonly stream: Stream["Service"]
  readonly checkpoints: CheckpointsPort["Service"]
  readonly lakeDir: string
  readonly bufferHints?: BufferHints
  readonly onError?: (message: string) => void
}): Promise<LakePipeline> => {
  const scope = await Effect.runPromise(Scope.make())
  const lakeLayer = LocalDeliveryStream.layer({
    name: options.name,
    ...(options.bufferHints ? { bufferHints: options.bufferHints } : {}),
  }).pipe(Layer.provide(FileObjectStore.layer({ root: options.lakeDir })))
  const built = await Effect.runPromise(Layer.buildWithScope(lakeLayer, scope))
  const context = built.pipe(
    Context.add(Stream, options.stream),
    Context.add(Checkpoints, options.checkpoints),
  )
  const run = <A, E>(effect: Effect.Effect<A, E, Stream | Checkpoints | DeliveryStream | LakeProgress>) =>
    Effect.runPromise(Effect.provideContext(effect, context))
  const feeder = await run(makeLakeFeeder({ consumer: `lake:${options.name}` }))
  const fiber = Effect.runFork(
    Effect.provideContext(feeder.run, context).pipe(
      Effect.catch((error) =>
        Effect.sync(() => options.onError?.(`lake ${options.name} stopped: ${error.reason}`)),
      ),
    ),
  )
  let finalStats: LakeStats | undefined
  return {
    name: options.name,
    stats: () =>
      finalStats ? Promise.resolve(finalStats) : run(LakeProgress.use((progress) => progress.stats())),
    flush: () => run(DeliveryStream.use((delivery) => delivery.flush())).then(() => undefined),
    stop: async () => {
      await Effect.runPromise(Fiber.interrupt(fiber))
      // Catch up with the stream first: the feeder polls every 200 ms when idle, so records
      // appended (and acknowledged) just before the stop may not be read yet. The stack closes
      // the broker before the lake, so the stream no longer grows and this ends. A failed read
      // leaves the rest in the stream, for the next start.
      await run(
        Effect.gen(function* () {
          let read = 1
          while (read > 0) read = yield* feeder.poll
        }),
      ).catch((error: unknown) =>
        options.onError?.(`lake ${options.name} catch-up: ${String((error as Error).message ?? error)}`),
      )
      await run(
        Effect.gen(function* () {
          const delivery = yield* DeliveryStream
          yield* delivery.flush()
          yield* feeder.commit
          finalStats = yield* LakeProgress.use((progress) => progress.stats())
        }),
      ).catch((error: unknown) =>
        options.onError?.(`lake ${options.name} drain: ${String((error as Error).message ?? error)}`),
      )
      await Effect.runPromise(Scope.close(scope, Exit.void))
    },
  }
}
