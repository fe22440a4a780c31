/**
 * The lake path, with the real code of the local stack: adapters-local's lake feeder
 * (`makeLakeFeeder`) reading the firehose stream and its local delivery stream
 * (`LocalDeliveryStream`: the transform, buffers, GZIP objects, durability watermark) writing
 * to the memory ObjectStore with its faults.
 *
 * The memory DeliveryStream adapter cannot stand in here: the feeder checkpoints by the
 * delivery stream's durability watermark, which only the local delivery stream reports
 * (decision 0802). Both the feeder and the delivery stream are in-memory state — a crash loses
 * their buffers and positions, and the new ones start from the feeder's durable checkpoints.
 * An ObjectStore `crash` fault kills the whole process, since the lake runs inside it.
 *
 * `step` is one feeder poll and commit; `tick` writes the buffers whose interval has passed
 * (the local stream's ticker) and commits; `flush` writes every buffer and commits (the drain).
 */
import { LakeProgress, LocalDeliveryStream, makeLakeFeeder } from "@sluice/adapters-local"
import { Checkpoints, DeliveryStream, ObjectStore, Stream } from "@sluice/core"
import { Effect, Exit } from "effect"
import type { SimConfig } from "../scenario.ts"
import type { VirtualRuntime } from "../virtualRuntime.ts"
import { LAKE_STREAM, type Ports } from "./ports.ts"
import { ProcessCrash, rethrowCrash } from "./processCrash.ts"

export const LAKE_CONSUMER = "lake:telemetry-lake"
export const LAKE_NAME = "telemetry-lake"

export interface LakeStats {
  steps: number
  failedSteps: number
}

export const startLake = async (options: {
  readonly runtime: VirtualRuntime
  readonly ports: Ports
  readonly config: SimConfig
  /** Distinct per restart, so a reused object name is never the same UUID. */
  readonly seed: number
  readonly stats: LakeStats
}) => {
  const { runtime, ports, config } = options
  const stream = ports.stream(LAKE_STREAM)
  if (stream === undefined) throw new Error(`no stream ${LAKE_STREAM}`)
  const made = await runtime.run(
    LocalDeliveryStream.make({
      name: LAKE_NAME,
      seed: options.seed,
      ticker: false,
      bufferHints: { sizeBytes: config.lake.sizeBytes, intervalMs: config.lake.intervalMs },
      retryPolicy: config.consumer.retry,
    }).pipe(Effect.provideService(ObjectStore, ports.objects)),
  )
  if (Exit.isFailure(made)) throw new ProcessCrash("the lake could not start")
  const delivery = made.value
  const feederExit = await runtime.run(
    makeLakeFeeder({ consumer: LAKE_CONSUMER, batchSize: config.lake.feederBatch }).pipe(
      Effect.provideService(Stream, stream),
      Effect.provideService(Checkpoints, ports.checkpoints),
      Effect.provideService(DeliveryStream, DeliveryStream.of(delivery)),
      Effect.provideService(LakeProgress, LakeProgress.of(delivery)),
    ),
  )
  if (Exit.isFailure(feederExit)) throw new ProcessCrash("the lake feeder could not start")
  const feeder = feederExit.value

  /** Runs a lake effect: its value, or undefined when it failed (transiently: tried again later). */
  const attempt = async <A, E>(effect: Effect.Effect<A, E>, where: string): Promise<A | undefined> => {
    options.stats.steps++
    const exit = await runtime.run(effect)
    rethrowCrash(exit, where)
    if (Exit.isSuccess(exit)) return exit.value
    options.stats.failedSteps++
    return undefined
  }

  return {
    /** One feeder poll and commit: the records read, or undefined when it failed. */
    step: () => attempt(feeder.step, "the lake feeder"),
    tick: async () => {
      await attempt(delivery.tick(), "the lake's interval flush")
      await attempt(feeder.commit, "the lake feeder's commit")
    },
    flush: async () => {
      await attempt(delivery.flush(), "the lake's flush")
      await attempt(feeder.commit, "the lake feeder's commit")
    },
    buffered: async () => {
      const exit = await runtime.run(delivery.stats())
      return Exit.isSuccess(exit) ? exit.value.buffered : 0
    },
  }
}

export type Lake = Awaited<ReturnType<typeof startLake>>
