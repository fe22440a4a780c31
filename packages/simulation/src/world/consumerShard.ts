/**
 * One shard of the event source mapping, driving the real consumer: core's pure decisions
 * (planStep, verdictOf, settleInvocation, settleExpiry) around `processKinesisBatch` — the
 * Effect underneath `kinesisConsumer` — run on virtual time, so the Lambda deadline, the
 * consumer's retries and its chunk timeouts play out as they would.
 *
 * One `poll` is one turn of adapters-local's shard poller: finish what the last turn could not
 * (a discard the destination refused, a checkpoint the store refused), read when fewer than
 * BatchSize records are buffered, then Wait, Expire or Invoke and settle. Discards reach the
 * dead letters before the checkpoint moves past them. A retry backs off on virtual time: the
 * shard does nothing until `notBefore`.
 *
 * Around the invocation, the handler faults of the scenario: the function fails before doing
 * anything, fails after doing everything (its writes stay), or runs past its timeout after
 * doing everything. The Lambda timeout itself is real: the invocation is interrupted at the
 * deadline, whatever it wrote before stays. A table `crash` fault kills the whole process.
 *
 * The buffer, the mapping state and the position are in-memory state: a crash loses them and
 * the shard restarts after its durable checkpoint.
 */
import { deadLettersOfDiscard } from "@sluice/adapters-local"
import type { SeededRandom } from "@sluice/adapters-memory"
import {
  backoffDelayMs,
  DeadLetters,
  type EventSourceIdentity,
  type EventSourceMappingConfig,
  type InvocationOutcome,
  initialMappingState,
  kinesisEventOf,
  type MappingState,
  planStep,
  processKinesisBatch,
  type Settlement,
  type StartPosition,
  type StreamRecord,
  settleExpiry,
  settleInvocation,
  Table,
  verdictOf,
} from "@sluice/core"
import { Effect, Exit, Option } from "effect"
import type { FaultRates, SimConfig } from "../scenario.ts"
import type { VirtualRuntime } from "../virtualRuntime.ts"
import type { Ports } from "./ports.ts"
import { rethrowCrash } from "./processCrash.ts"

export const CONSUMER_NAME = "esm:telemetry"
/** Lambda's 6 MB invocation payload (Lambda quotas), checked against every event the mapping sends. */
const INVOCATION_MAX_BYTES = 6 * 1024 * 1024

export interface ConsumerStats {
  invocations: number
  failedInvocations: number
  partialFailures: number
  timeouts: number
  discarded: number
  expired: number
  readThrottles: number
  /** Handler faults injected: crash before, crash after, timeout after the batch. */
  handlerFaults: number
  stored: number
  deadLettered: number
  duplicates: number
}

export const emptyConsumerStats = (): ConsumerStats => ({
  invocations: 0,
  failedInvocations: 0,
  partialFailures: 0,
  timeouts: 0,
  discarded: 0,
  expired: 0,
  readThrottles: 0,
  handlerFaults: 0,
  stored: 0,
  deadLettered: 0,
  duplicates: 0,
})

export interface ShardEnv {
  readonly runtime: VirtualRuntime
  readonly ports: Ports
  readonly config: SimConfig
  readonly mapping: EventSourceMappingConfig
  readonly source: EventSourceIdentity
  readonly streamName: string
  readonly handlerFaults: FaultRates["handler"]
  readonly random: SeededRandom
  readonly faultsOn: () => boolean
  readonly stats: ConsumerStats
  readonly limitViolations: string[]
  /** A deliberate bug (world.ts, Mutant). */
  readonly mutant?: "parallelConsumer" | "ignorePartialFailure" | "ackBeforeAppend" | undefined
}

export const makeConsumerShard = (env: ShardEnv, shardId: string) => {
  const { runtime, ports } = env
  const stream = ports.stream(env.streamName)
  if (stream === undefined) throw new Error(`no stream ${env.streamName}`)
  let position: StartPosition | undefined
  const buffer: StreamRecord[] = []
  const readAt: number[] = []
  let state: MappingState = initialMappingState
  let notBefore = 0
  let unsaved: string | undefined
  let pending: Settlement | undefined
  let invocationCount = 0
  const chance = (p: number) => env.faultsOn() && p > 0 && env.random.next() < p

  const saveCheckpoint = () => {
    if (unsaved === undefined) return
    const exit = runtime.runSync(ports.checkpoints.set(CONSUMER_NAME, shardId, unsaved))
    // A checkpoint that could not be stored lags; the next turn tries again (a restart repeats work).
    if (Exit.isSuccess(exit)) unsaved = undefined
  }

  /** Applies a settlement; false when the on-failure destination refused the discard (retry later). */
  const apply = (settlement: Settlement): boolean => {
    const discarded = settlement.discarded
    if (discarded !== undefined) {
      const letters = deadLettersOfDiscard(env.streamName, discarded, runtime.now())
      if (Exit.isFailure(runtime.runSync(ports.deadLetters.put(letters)))) return false
      if (discarded.condition === "RecordAgeExceeded") env.stats.expired += discarded.records.length
      else env.stats.discarded += discarded.records.length
    }
    if (settlement.consumed > 0) {
      buffer.splice(0, settlement.consumed)
      readAt.splice(0, settlement.consumed)
      unsaved = settlement.checkpoint
      saveCheckpoint()
    }
    state = settlement.state
    if (settlement.retry)
      notBefore = runtime.now() + backoffDelayMs(env.config.consumer.retry, state.attempts, env.random.next())
    return true
  }

  const invoke = (batch: ReadonlyArray<StreamRecord>): InvocationOutcome => {
    env.stats.invocations++
    invocationCount++
    const event = kinesisEventOf(batch, env.source)
    if (batch.length > env.mapping.batchSize)
      env.limitViolations.push(
        `invocation of ${batch.length} records, over BatchSize ${env.mapping.batchSize}`,
      )
    const bytes = Buffer.byteLength(JSON.stringify(event))
    if (bytes > INVOCATION_MAX_BYTES && batch.length > 1)
      env.limitViolations.push(`invocation payload of ${bytes} bytes, over ${INVOCATION_MAX_BYTES}`)
    if (chance(env.handlerFaults.crashBefore) && ++env.stats.handlerFaults)
      return { _tag: "Threw", error: new Error("simulated crash before the handler ran") }
    const timeoutMs = env.config.mapping.timeoutMs
    const deadline = runtime.now() + timeoutMs
    const consumer = env.config.consumer
    const work = processKinesisBatch(event, {
      mode: env.mutant === "parallelConsumer" ? "parallel" : "ordered",
      chunkSize: consumer.chunkSize,
      concurrency: consumer.concurrency,
      retry: consumer.retry,
      deadlineMarginMs: consumer.deadlineMarginMs,
      streamName: env.streamName,
      context: {
        getRemainingTimeInMillis: () => deadline - runtime.now(),
        awsRequestId: `sim-${invocationCount}`,
      },
    }).pipe(
      Effect.provideService(Table, ports.table),
      Effect.provideService(DeadLetters, ports.deadLetters),
      Effect.timeoutOption(timeoutMs),
    )
    const exit = runtime.runSync(work)
    rethrowCrash(exit, `invocation ${invocationCount} of ${shardId}`)
    if (Exit.isFailure(exit)) return { _tag: "Threw", error: new Error("the handler failed (Fatal)") }
    if (Option.isNone(exit.value)) {
      env.stats.timeouts++
      return { _tag: "TimedOut", afterMs: timeoutMs }
    }
    const { response, summary } = exit.value.value
    env.stats.stored += summary.stored
    env.stats.deadLettered += summary.deadLettered
    env.stats.duplicates += summary.duplicates
    if (chance(env.handlerFaults.crashAfter) && ++env.stats.handlerFaults)
      return { _tag: "Threw", error: new Error("simulated crash after the handler wrote its batch") }
    if (chance(env.handlerFaults.timeoutAfter)) {
      env.stats.handlerFaults++
      env.stats.timeouts++
      return { _tag: "TimedOut", afterMs: timeoutMs }
    }
    return { _tag: "Returned", response }
  }

  /** One turn of the poller; throws ProcessCrash when the process dies in it. */
  const poll = (): void => {
    if (runtime.now() < notBefore) return
    if (position === undefined) {
      const stored = runtime.runSync(ports.checkpoints.get(CONSUMER_NAME, shardId))
      if (Exit.isFailure(stored)) return
      position =
        stored.value === undefined
          ? { type: "TRIM_HORIZON" }
          : { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: stored.value }
    }
    if (pending !== undefined) {
      if (!apply(pending)) return
      pending = undefined
    }
    saveCheckpoint()
    if (buffer.length < env.mapping.batchSize) {
      const read = runtime.runSync(stream.read(shardId, position, env.mapping.batchSize))
      if (Exit.isFailure(read)) env.stats.readThrottles++
      else {
        for (const record of read.value.records) {
          buffer.push(record)
          readAt.push(runtime.now())
        }
        position = read.value.next
      }
    }
    const now = runtime.now()
    const step = planStep(env.mapping, state, buffer, now, env.source, readAt[0] ?? now)
    if (step._tag === "Wait") return
    const settlement =
      step._tag === "Expire"
        ? settleExpiry(state, buffer, step.count)
        : (() => {
            const batch = buffer.slice(0, step.count)
            const outcome = invoke(batch)
            const honest = verdictOf(batch, outcome, env.mapping.reportBatchItemFailures)
            const verdict =
              env.mutant === "ignorePartialFailure" && honest._tag === "PartiallyFailed"
                ? ({ _tag: "Succeeded" } as const)
                : honest
            if (verdict._tag === "Failed") env.stats.failedInvocations++
            else if (verdict._tag === "PartiallyFailed") env.stats.partialFailures++
            return settleInvocation(env.mapping, state, batch, verdict)
          })()
    if (!apply(settlement)) pending = settlement
  }

  return {
    shardId,
    poll,
    /** When the shard may act next (a backoff's end, or a batching window's). */
    notBefore: () => notBefore,
    buffered: () => buffer.length,
    idle: () => buffer.length === 0 && pending === undefined && unsaved === undefined,
  }
}

export type ConsumerShard = ReturnType<typeof makeConsumerShard>
