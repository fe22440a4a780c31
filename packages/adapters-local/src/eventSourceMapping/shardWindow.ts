/**
 * A shard's tumbling window (TumblingWindowInSeconds > 0): the state core's window decisions
 * (eventSourceMappingWindows.ts) evolve, held for the shard poller.
 *
 * The poller asks it which head records may form the next batch (never across a window
 * boundary), whether the window's final invocation is due, what window fields an invocation
 * carries; and it hands it each settlement, from which it takes the reply's state and holds the
 * checkpoint back until the final invocation succeeds.
 */
import {
  afterFinal,
  afterInvocation,
  type BatchVerdict,
  type EsmKinesisEvent,
  type EsmKinesisWindowEvent,
  holdCheckpoint,
  type InvocationOutcome,
  initialWindowState,
  type Settlement,
  type StreamRecord,
  type TumblingWindow,
  type WindowState,
  windowBatchable,
  windowDue,
  windowFieldsOf,
  windowOfArrival,
} from "@sluice/core"

const withoutCheckpoint = (settlement: Settlement): Settlement => {
  const { checkpoint: _checkpoint, ...rest } = settlement
  return rest
}

export class ShardWindow {
  private current: WindowState = initialWindowState
  private invoking: TumblingWindow | undefined
  /** Final invocations that failed in a row (their backoff). */
  finalFailures = 0
  /** Windows closed by a successful final invocation. */
  closed = 0

  constructor(
    private readonly seconds: number,
    private readonly identity: { readonly shardId: string; readonly streamArn: string },
  ) {}

  /** Head records that may go in the next batch. */
  batchable(buffered: ReadonlyArray<StreamRecord>): number {
    return windowBatchable(this.current, buffered, this.seconds)
  }

  due(buffered: ReadonlyArray<StreamRecord>, now: number): boolean {
    return windowDue(this.current, buffered, now)
  }

  /** The event of a regular invocation: the records plus the window's fields. */
  eventFor(batch: ReadonlyArray<StreamRecord>, base: EsmKinesisEvent): EsmKinesisWindowEvent {
    const first = batch[0] as StreamRecord
    const window = this.current.window ?? windowOfArrival(first.approximateArrivalTimestamp, this.seconds)
    this.invoking = window
    return { ...base, ...windowFieldsOf(this.current, window, this.identity, false) }
  }

  /** Takes the invocation's outcome; returns the settlement with its checkpoint held back. */
  absorb(verdict: BatchVerdict, outcome: InvocationOutcome, settlement: Settlement): Settlement {
    const window = this.invoking ?? this.current.window
    if (window === undefined) return settlement
    this.current = afterInvocation(this.current, window, verdict, outcome, settlement.checkpoint)
    return withoutCheckpoint(settlement)
  }

  /** Expired records inside an open window wait for its checkpoint too. */
  holdExpiry(settlement: Settlement): Settlement {
    if (settlement.checkpoint === undefined) return settlement
    const held = holdCheckpoint(this.current, settlement.checkpoint)
    if (held === undefined) return settlement
    this.current = held
    return withoutCheckpoint(settlement)
  }

  /** The final invocation's event: no records, the final state. */
  finalEvent(): EsmKinesisWindowEvent {
    const window = this.current.window as TumblingWindow
    return { Records: [], ...windowFieldsOf(this.current, window, this.identity, true) }
  }

  /** The final invocation succeeded: returns the checkpoint to store now. */
  finalSucceeded(): string | undefined {
    const checkpoint = this.current.heldCheckpoint
    this.current = afterFinal(this.current)
    this.finalFailures = 0
    this.closed++
    return checkpoint
  }
}
