/**
 * A local Lambda event source mapping for Kinesis: runs any Kinesis handler — the very
 * `kinesisConsumer` deployed to Lambda — against a Stream (the local log, the memory stream, or
 * Kinesis itself), with AWS's batching, partial-batch, bisect, retry, record-age and on-failure
 * semantics (core's eventSourceMapping decisions). One loop per shard (shardPoller.ts), in
 * parallel; records of a shard are handled strictly in order, one batch at a time
 * (ParallelizationFactor 1). Shards are listed once, at start: the local log never reshards.
 *
 * Progress is stored through the Checkpoints port under `consumer` (default
 * `<functionName>:<stream name>`), so a restart continues after the last checkpoint; a first
 * start begins at `startingPosition` (TRIM_HORIZON by default, as `sluice up` wants every
 * record; AWS requires you to choose).
 *
 * `stop()` lets each shard finish the invocation in flight and store its checkpoint, then
 * resolves. `status()` reports each shard (shardStatus.ts) and totals. `startEventSourceMapping`
 * is the plain-Promise form; `make` the scoped Effect (stopped when the scope closes).
 */
import {
  type Checkpoints,
  defaultRetryPolicy,
  type EventSourceMappingConfig,
  Fatal,
  functionArnOf,
  isDeliveryError,
  LOCAL_REGION,
  localEventSource,
  mappingConfigOf,
  type RetryPolicy,
  type StartPosition,
  type Stream,
  type StreamError,
  toDeliveryError,
} from "@sluice/core"
import { Cause, Effect, Exit, type Scope } from "effect"
import { destinationSender, type OnFailureDestination } from "./onFailureDestination.ts"
import { type KinesisLambdaHandler, ShardPoller } from "./shardPoller.ts"
import type { ShardStatus } from "./shardStatus.ts"
import { StopSignal } from "./stopSignal.ts"

type ServiceOr<S> = S | { readonly service: S }
const serviceOf = <S extends object>(target: ServiceOr<S>): S =>
  "service" in target ? (target as { readonly service: S }).service : (target as S)

export interface EventSourceMappingOptions {
  /** The stream: a service, or any facade carrying one (`openLocalStream(…)`, `memoryStream()`). */
  readonly stream: ServiceOr<Stream["Service"]>
  readonly checkpoints: ServiceOr<Checkpoints["Service"]>
  readonly handler: KinesisLambdaHandler
  /** Default "sluice-consumer". */
  readonly functionName?: string
  /** Checkpoint key. Default `<functionName>:<stream name>`. */
  readonly consumer?: string
  /** BatchSize, MaximumBatchingWindowInSeconds, retries, bisect, record age… (AWS defaults). */
  readonly config?: Partial<EventSourceMappingConfig>
  /** Where a shard starts when it has no checkpoint. Default TRIM_HORIZON. */
  readonly startingPosition?: StartPosition
  /** The function timeout. Default 30 s. */
  readonly timeoutMs?: number
  /** How often an idle shard is polled. Default 1 s (Lambda polls each shard once a second). */
  readonly pollIntervalMs?: number
  /** Backoff between retries of a failed batch, and of failed reads and port calls. */
  readonly retryPolicy?: RetryPolicy
  /** Discarded records go here; without one they are dropped (counted, and reported to onError). */
  readonly onFailure?: OnFailureDestination
  readonly region?: string
  readonly now?: () => number
  /** Uniform in [0, 1): seed it for reproducible backoff. */
  readonly random?: () => number
  /** Problems worth a log line (failed invocations, failed reads, checkpoint trouble). */
  readonly onError?: (message: string) => void
}

export interface EventSourceMappingStatus {
  readonly functionName: string
  readonly consumer: string
  readonly shards: ReadonlyArray<Readonly<ShardStatus>>
  readonly totals: {
    readonly invocations: number
    readonly failedInvocations: number
    readonly recordsDone: number
    readonly recordsDiscarded: number
    readonly recordsExpired: number
    readonly buffered: number
    /** The largest iterator age over the shards. */
    readonly iteratorAgeMs: number
  }
}

export interface EventSourceMappingRunner {
  readonly status: () => EventSourceMappingStatus
  /** Finishes the invocations in flight, stores checkpoints, and stops every shard. */
  readonly stop: () => Promise<void>
  /** Resolves when every shard loop has ended (after `stop`, or when all failed). */
  readonly done: Promise<void>
}

/** Local default backoff for a failed batch: Lambda retries quickly, then more slowly. */
export const mappingRetryPolicy: RetryPolicy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 10_000 }

export const startEventSourceMapping = async (
  options: EventSourceMappingOptions,
): Promise<EventSourceMappingRunner> => {
  const stream = serviceOf(options.stream)
  const checkpoints = serviceOf(options.checkpoints)
  const config = mappingConfigOf(options.config)
  const functionName = options.functionName ?? "sluice-consumer"
  const consumer = options.consumer ?? `${functionName}:${stream.name}`
  const region = options.region ?? LOCAL_REGION
  const onError = options.onError ?? (() => {})
  const exit = await Effect.runPromiseExit(stream.listShards())
  if (Exit.isFailure(exit)) throw Cause.squash(exit.cause)
  const send = destinationSender(options.onFailure, stream.name)
  const stop = new StopSignal()
  const pollers = exit.value.map(
    (shardId) =>
      new ShardPoller({
        shardId,
        consumer,
        stream,
        checkpoints,
        handler: options.handler,
        config,
        source: localEventSource(stream.name, region),
        functionName,
        functionArn: functionArnOf(functionName, region),
        startingPosition: options.startingPosition ?? { type: "TRIM_HORIZON" },
        timeoutMs: options.timeoutMs ?? 30_000,
        pollIntervalMs: options.pollIntervalMs ?? 1_000,
        retryPolicy: options.retryPolicy ?? mappingRetryPolicy,
        now: options.now ?? Date.now,
        random: options.random ?? Math.random,
        sendDiscard:
          options.onFailure === undefined
            ? async (_failure, discarded) =>
                onError(
                  `${discarded.records.length} records of ${discarded.records[0]?.shardId} discarded (${discarded.condition}) with no on-failure destination`,
                )
            : send,
        onError,
        stop,
      }),
  )
  const done = Promise.all(pollers.map((poller) => poller.run())).then(() => undefined)
  const sum = (pick: (status: ShardStatus) => number) =>
    pollers.reduce((total, p) => total + pick(p.status), 0)
  return {
    status: () => ({
      functionName,
      consumer,
      shards: pollers.map((poller) => ({ ...poller.status })),
      totals: {
        invocations: sum((s) => s.invocations),
        failedInvocations: sum((s) => s.failedInvocations),
        recordsDone: sum((s) => s.recordsDone),
        recordsDiscarded: sum((s) => s.recordsDiscarded),
        recordsExpired: sum((s) => s.recordsExpired),
        buffered: sum((s) => s.buffered),
        iteratorAgeMs: pollers.reduce((max, p) => Math.max(max, p.status.iteratorAgeMs), 0),
      },
    }),
    stop: async () => {
      stop.stop()
      await done
    },
    done,
  }
}

/** The runner for the scope's lifetime: started now, stopped (drained) when the scope closes. */
export const make = (
  options: EventSourceMappingOptions,
): Effect.Effect<EventSourceMappingRunner, StreamError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => startEventSourceMapping(options),
      catch: (error): StreamError => {
        // A bad setting (RangeError) or a broken stream is not worth retrying.
        const failure = toDeliveryError(error)
        return failure._tag === "Poison" || !isDeliveryError(error)
          ? new Fatal({ reason: failure.reason })
          : failure
      },
    }),
    (runner) => Effect.promise(() => runner.stop()),
  )
