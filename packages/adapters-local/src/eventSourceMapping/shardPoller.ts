/**
 * One shard of a local event source mapping: the loop that polls, batches, invokes, and applies
 * core's decisions (planStep, settleInvocation, settleExpiry) — the I/O half of the mapping.
 *
 *     read checkpoint ─▶ ┌─ read (when fewer than BatchSize buffered; idle: once per poll interval)
 *                        ├─ plan: Wait │ Expire │ Invoke(batch) ─▶ handler(event, context), under a timeout
 *                        └─ settle: destination first, then checkpoint, then back off if retrying ─┘
 *
 * Order of effects after a settlement: discarded records reach the on-failure destination
 * before the checkpoint moves past them (a crash in between re-sends them, which the
 * destination's deterministic ids absorb); then the checkpoint is stored. A checkpoint store
 * that keeps failing transiently does not stop the shard — the checkpoint lags and a restart
 * repeats work, which idempotent handlers absorb; the newest value is retried with the next
 * settlement and at stop.
 *
 * Tumbling windows (TumblingWindowInSeconds > 0, shardWindow.ts): batches stop at a window's
 * boundary, invocations carry the window's fields and state, and the window's checkpoint waits for
 * its final invocation, which is retried until it succeeds.
 *
 * Stop: the loop finishes the invocation in flight and its settlement, then exits; sleeps
 * (idle polling, retry backoff) end at once. A handler that times out keeps running in the
 * background (there is no sandbox to freeze), so its retry may overlap it — idempotent writes
 * again make that safe.
 */
import { randomUUID } from "node:crypto"
import {
  backoffDelayMs,
  type InvocationOutcome,
  initialMappingState,
  isTransient,
  kinesisEventOf,
  type MappingState,
  onFailureRecordOf,
  planStep,
  type Settlement,
  type StartPosition,
  type StreamRecord,
  settleExpiry,
  settleInvocation,
  toDeliveryError,
  verdictOf,
  windowVerdict,
} from "@sluice/core"
import { Cause, Effect, Exit } from "effect"
import { invokeWithTimeout } from "./invokeHandler.ts"
import { lambdaContextOf } from "./lambdaContext.ts"
import type { ShardPollerSettings } from "./shardPollerSettings.ts"
import { emptyShardStatus, type ShardStatus } from "./shardStatus.ts"
import { ShardWindow } from "./shardWindow.ts"

export type { KinesisLambdaHandler, ShardPollerSettings } from "./shardPollerSettings.ts"

const run = async <A, E>(effect: Effect.Effect<A, E>): Promise<A> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}

export class ShardPoller {
  readonly status: ShardStatus
  private buffer: StreamRecord[] = []
  /** When each buffered record was read: the batching window counts from the oldest. */
  private readAt: number[] = []
  private state: MappingState = initialMappingState
  private lastEmptyReadAt = Number.NEGATIVE_INFINITY
  private unsavedCheckpoint: string | undefined
  /** The shard's tumbling window, when TumblingWindowInSeconds > 0. */
  private readonly window: ShardWindow | undefined

  constructor(private readonly s: ShardPollerSettings) {
    this.status = emptyShardStatus(s.shardId)
    this.window =
      s.config.tumblingWindowInSeconds > 0
        ? new ShardWindow(s.config.tumblingWindowInSeconds, {
            shardId: s.shardId,
            streamArn: s.source.streamArn,
          })
        : undefined
  }

  async run(): Promise<void> {
    try {
      const stored = await this.persist("read the checkpoint", () =>
        run(this.s.checkpoints.get(this.s.consumer, this.s.shardId)),
      )
      if (stored === STOPPED) return
      this.status.checkpoint = stored
      let position: StartPosition =
        stored === undefined
          ? this.s.startingPosition
          : { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: stored }
      this.status.state = "polling"
      while (!this.s.stop.stopping) {
        position = await this.readMore(position)
        const now = this.s.now()
        const window = this.window
        if (window?.due(this.buffer, now)) {
          await this.finalizeWindow(window)
          continue
        }
        // Under tumbling windows a batch ends at the window's boundary, which counts as full.
        const batchable = window?.batchable(this.buffer) ?? this.buffer.length
        const visible = batchable < this.buffer.length ? this.buffer.slice(0, batchable) : this.buffer
        let step = planStep(this.s.config, this.state, visible, now, this.s.source, this.readAt[0] ?? now)
        if (step._tag === "Wait" && batchable > 0 && batchable < this.buffer.length)
          step = { _tag: "Invoke", count: batchable }
        if (step._tag === "Wait") {
          // Poll cadence runs on real time; the window's end on the mapping's clock.
          const untilPoll = this.lastEmptyReadAt + this.s.pollIntervalMs - performance.now()
          const untilWindow = step.untilMs === undefined ? untilPoll : step.untilMs - now
          await this.s.stop.sleep(Math.max(0, Math.min(untilWindow, untilPoll)))
        } else if (step._tag === "Expire") {
          const settlement = settleExpiry(this.state, this.buffer, step.count)
          await this.apply(window === undefined ? settlement : window.holdExpiry(settlement))
        } else {
          const batch = this.buffer.slice(0, step.count)
          const base = kinesisEventOf(batch, this.s.source)
          const outcome = await this.invoke(batch, window === undefined ? base : window.eventFor(batch, base))
          let verdict = verdictOf(batch, outcome, this.s.config.reportBatchItemFailures)
          if (window !== undefined) verdict = windowVerdict(verdict, outcome)
          if (verdict._tag === "Failed") {
            this.status.failedInvocations++
            this.note(`invocation failed: ${verdict.reason}`)
          } else if (verdict._tag === "PartiallyFailed") this.status.partialFailures++
          const settlement = settleInvocation(this.s.config, this.state, batch, verdict)
          await this.apply(window === undefined ? settlement : window.absorb(verdict, outcome, settlement))
        }
      }
    } catch (error) {
      this.status.state = "failed"
      this.note(`shard stopped: ${toDeliveryError(error).reason}`)
    } finally {
      await this.flushCheckpoint(3).catch((error) =>
        this.note(`checkpoint not saved at stop: ${String(error)}`),
      )
      if (this.status.state !== "failed") this.status.state = "stopped"
    }
  }

  /** Reads when fewer than BatchSize records are buffered; an empty read rests a poll interval. */
  private async readMore(position: StartPosition): Promise<StartPosition> {
    if (
      this.buffer.length >= this.s.config.batchSize ||
      performance.now() - this.lastEmptyReadAt < this.s.pollIntervalMs
    )
      return position
    const now = this.s.now()
    try {
      const result = await run(this.s.stream.read(this.s.shardId, position, this.s.config.batchSize))
      this.status.reads++
      this.status.millisBehindLatest = result.millisBehindLatest
      if (result.records.length === 0) {
        this.lastEmptyReadAt = performance.now()
        if (this.buffer.length === 0) this.status.iteratorAgeMs = 0
      }
      for (const record of result.records) {
        this.buffer.push(record)
        this.readAt.push(now)
      }
      this.status.buffered = this.buffer.length
      return result.next
    } catch (error) {
      const failure = toDeliveryError(error)
      if (!isTransient(failure)) throw failure
      this.status.readErrors++
      this.note(`read failed: ${failure.reason}`)
      await this.s.stop.sleep(
        backoffDelayMs(this.s.retryPolicy, Math.min(this.status.readErrors, 6), this.s.random(), failure),
      )
      return position
    }
  }

  private async invoke(batch: ReadonlyArray<StreamRecord>, event: unknown): Promise<InvocationOutcome> {
    const started = this.s.now()
    this.status.state = "invoking"
    this.status.invocations++
    const newest = batch[batch.length - 1]
    if (newest !== undefined)
      this.status.iteratorAgeMs = Math.max(0, started - newest.approximateArrivalTimestamp)
    const context = lambdaContextOf({
      functionName: this.s.functionName,
      deadline: started + this.s.timeoutMs,
      now: this.s.now,
      region: this.s.source.region,
    })
    try {
      return await invokeWithTimeout(this.s.handler, event, context, this.s.timeoutMs)
    } finally {
      this.status.state = "polling"
    }
  }

  /** The window's final invocation; on failure the shard waits (backoff) and it is due again. */
  private async finalizeWindow(window: ShardWindow): Promise<void> {
    const outcome = await this.invoke([], window.finalEvent())
    const verdict = verdictOf([], outcome, this.s.config.reportBatchItemFailures)
    if (verdict._tag === "Succeeded") {
      const checkpoint = window.finalSucceeded()
      if (checkpoint === undefined) return
      this.unsavedCheckpoint = checkpoint
      await this.flushCheckpoint(5)
      return
    }
    this.status.failedInvocations++
    this.status.retries++
    const reason = verdict._tag === "Failed" ? verdict.reason : "it reported failed records"
    this.note(`final invocation of the window failed: ${reason}`)
    await this.s.stop.sleep(backoffDelayMs(this.s.retryPolicy, window.finalFailures++, this.s.random()))
  }

  private async apply(settlement: Settlement): Promise<void> {
    const discarded = settlement.discarded
    if (discarded !== undefined) {
      const now = this.s.now()
      const failure = onFailureRecordOf(discarded, {
        requestId: randomUUID(),
        functionArn: this.s.functionArn,
        streamArn: this.s.source.streamArn,
        now,
      })
      const sent = await this.persist("send to the on-failure destination", async () => {
        await this.s.sendDiscard(failure, discarded, now)
      })
      // Stopped before the destination took them: keep them (and the checkpoint) for the restart.
      if (sent === STOPPED) return
      if (discarded.condition === "RecordAgeExceeded") this.status.recordsExpired += discarded.records.length
      else this.status.recordsDiscarded += discarded.records.length
    }
    if (settlement.consumed > 0) {
      this.buffer.splice(0, settlement.consumed)
      this.readAt.splice(0, settlement.consumed)
      this.status.recordsDone += settlement.consumed - (discarded?.records.length ?? 0)
      this.unsavedCheckpoint = settlement.checkpoint
      await this.flushCheckpoint(5)
    }
    this.state = settlement.state
    this.status.buffered = this.buffer.length
    if (settlement.retry) {
      this.status.retries++
      await this.s.stop.sleep(backoffDelayMs(this.s.retryPolicy, this.state.attempts, this.s.random()))
    }
  }

  /** Stores the newest checkpoint, retrying transient errors a few times; Fatal stops the shard. */
  private async flushCheckpoint(attempts: number): Promise<void> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const sequenceNumber = this.unsavedCheckpoint
      if (sequenceNumber === undefined) return
      try {
        await run(this.s.checkpoints.set(this.s.consumer, this.s.shardId, sequenceNumber))
        if (this.unsavedCheckpoint === sequenceNumber) this.unsavedCheckpoint = undefined
        this.status.checkpoint = sequenceNumber
        return
      } catch (error) {
        const failure = toDeliveryError(error)
        if (!isTransient(failure)) throw failure
        this.note(`checkpoint not saved: ${failure.reason}`)
        await new Promise((resolve) =>
          setTimeout(resolve, backoffDelayMs(this.s.retryPolicy, attempt, this.s.random())),
        )
      }
    }
  }

  /** Runs a port call until it succeeds (transient errors retried with backoff) or a stop. */
  private async persist<A>(what: string, call: () => Promise<A>): Promise<A | typeof STOPPED> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call()
      } catch (error) {
        const failure = toDeliveryError(error)
        if (!isTransient(failure)) throw failure
        this.note(`could not ${what}: ${failure.reason}`)
        if (this.s.stop.stopping) return STOPPED
        await this.s.stop.sleep(
          backoffDelayMs(this.s.retryPolicy, Math.min(attempt, 10), this.s.random(), failure),
        )
      }
    }
  }

  private note(message: string): void {
    this.status.lastError = message
    this.s.onError(`${this.s.shardId}: ${message}`)
  }
}

const STOPPED: unique symbol = Symbol("stopped")
