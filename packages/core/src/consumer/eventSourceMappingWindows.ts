/**
 * Tumbling windows of a Kinesis event source mapping (TumblingWindowInSeconds), as pure
 * decisions — what Lambda does, as its developer guide describes it ("Using tumbling windows"):
 *
 * - Windows are fixed spans of `TumblingWindowInSeconds` (1–900; 0 turns them off), aligned to
 *   the epoch, and a record belongs to the window of its arrival in the stream
 *   (`approximateArrivalTimestamp`). A batch never spans two windows.
 * - Each invocation of a window carries `window {start, end}`, the `state` the function returned
 *   last (`{}` at the window's start), `shardId`, `eventSourceARN`, and `isFinalInvokeForWindow` /
 *   `isWindowTerminatedEarly` (false). A response without a `state` object is a failed invocation.
 * - At the window's end — a record of a later window is waiting, or the end has passed with
 *   nothing buffered — the function is invoked once more with no records, the final state and
 *   `isFinalInvokeForWindow: true`. Until that invocation succeeds the shard waits (it is retried
 *   with backoff, without a retry quota); then the checkpoint moves past the window's records, and
 *   the next window starts with `{}`. Checkpoints of a window are held until then, so a restart
 *   mid-window replays the window from its first record with a fresh state.
 * - A returned state over 1 MB ends the window early: the next invocation is the final one, with
 *   `isWindowTerminatedEarly: true` too, and the same window then goes on with a fresh state.
 *
 * Assumptions where the guide is silent: the final invocation carries no records; a partial batch
 * response's `state` is taken (it covers the records before the failure) while a failed
 * invocation's is not; discarded and expired records inside a window wait for the final
 * invocation's checkpoint like the others.
 */
import type { StreamRecord } from "../ports/stream.ts"
import type { EsmKinesisEvent } from "./eventSourceMappingEvent.ts"
import type { BatchVerdict, InvocationOutcome } from "./eventSourceMappingResponse.ts"

/** A window's state may be 1 MB per shard; past it Lambda ends the window early. */
export const WINDOW_STATE_MAX_BYTES = 1024 * 1024

export interface TumblingWindow {
  readonly startMs: number
  readonly endMs: number
}

/** The window of a record that arrived at `arrivalMs`. */
export const windowOfArrival = (arrivalMs: number, seconds: number): TumblingWindow => {
  const span = seconds * 1000
  const startMs = Math.floor(arrivalMs / span) * span
  return { startMs, endMs: startMs + span }
}

/** Lambda's window times: ISO 8601 to the second, in UTC (`2020-12-09T07:04:00Z`). */
export const windowTime = (epochMs: number): string =>
  new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z")

export interface WindowFields {
  readonly window: { readonly start: string; readonly end: string }
  readonly state: Readonly<Record<string, unknown>>
  readonly shardId: string
  readonly eventSourceARN: string
  readonly isFinalInvokeForWindow: boolean
  readonly isWindowTerminatedEarly: boolean
}

export type EsmKinesisWindowEvent = EsmKinesisEvent & WindowFields

export interface WindowState {
  /** The open window; undefined between windows. */
  readonly window?: TumblingWindow
  /** What the next invocation of the window receives. */
  readonly state: Readonly<Record<string, unknown>>
  /** The checkpoint the final invocation's success stores. */
  readonly heldCheckpoint?: string
  /** The state outgrew its limit: the next invocation is the early final one. */
  readonly terminatedEarly: boolean
}

export const initialWindowState: WindowState = { state: {}, terminatedEarly: false }

/**
 * How many head records may go in the window's next batch: those of the open window (or of the
 * head's window when none is open).
 */
export const windowBatchable = (
  window: WindowState,
  buffered: ReadonlyArray<StreamRecord>,
  seconds: number,
): number => {
  const head = buffered[0]
  if (head === undefined) return 0
  const current = window.window ?? windowOfArrival(head.approximateArrivalTimestamp, seconds)
  let count = 0
  while (
    count < buffered.length &&
    (buffered[count] as StreamRecord).approximateArrivalTimestamp >= current.startMs &&
    (buffered[count] as StreamRecord).approximateArrivalTimestamp < current.endMs
  )
    count++
  return count
}

/** Whether the open window's final invocation is due now. */
export const windowDue = (
  window: WindowState,
  buffered: ReadonlyArray<StreamRecord>,
  now: number,
): boolean => {
  const open = window.window
  if (open === undefined) return false
  if (window.terminatedEarly) return true
  const head = buffered[0]
  return head === undefined ? now >= open.endMs : head.approximateArrivalTimestamp >= open.endMs
}

/** The window fields of an invocation. */
export const windowFieldsOf = (
  window: WindowState,
  current: TumblingWindow,
  identity: { readonly shardId: string; readonly streamArn: string },
  final: boolean,
): WindowFields => ({
  window: { start: windowTime(current.startMs), end: windowTime(current.endMs) },
  state: window.state,
  shardId: identity.shardId,
  eventSourceARN: identity.streamArn,
  isFinalInvokeForWindow: final,
  isWindowTerminatedEarly: final && window.terminatedEarly,
})

/** The reply's state when it is a valid windowed reply; a reason when it is not. */
export const replyState = (outcome: InvocationOutcome): Readonly<Record<string, unknown>> | string => {
  if (outcome._tag !== "Returned") return "the invocation failed"
  const response = outcome.response as { state?: unknown } | null | undefined
  const state = response?.state
  if (state === null || typeof state !== "object" || Array.isArray(state))
    return "the response has no state object (tumbling windows require one)"
  return state as Readonly<Record<string, unknown>>
}

/** A regular invocation's verdict under windows: a reply without state fails the batch. */
export const windowVerdict = (verdict: BatchVerdict, outcome: InvocationOutcome): BatchVerdict => {
  if (verdict._tag === "Failed") return verdict
  const state = replyState(outcome)
  return typeof state === "string" ? { _tag: "Failed", reason: state } : verdict
}

/**
 * The window after a regular invocation of `current`: the reply's state is kept unless the
 * invocation failed, and the settlement's checkpoint is held for the final invocation.
 */
export const afterInvocation = (
  window: WindowState,
  current: TumblingWindow,
  verdict: BatchVerdict,
  outcome: InvocationOutcome,
  checkpoint: string | undefined,
): WindowState => {
  const reply = verdict._tag === "Failed" ? undefined : replyState(outcome)
  const state = reply === undefined || typeof reply === "string" ? window.state : reply
  const heldCheckpoint = checkpoint ?? window.heldCheckpoint
  return {
    window: current,
    state,
    ...(heldCheckpoint === undefined ? {} : { heldCheckpoint }),
    terminatedEarly: Buffer.byteLength(JSON.stringify(state)) > WINDOW_STATE_MAX_BYTES,
  }
}

/** The window after a successful final invocation: closed, or (ended early) the same with `{}`. */
export const afterFinal = (window: WindowState): WindowState =>
  window.terminatedEarly && window.window !== undefined
    ? { window: window.window, state: {}, terminatedEarly: false }
    : initialWindowState

/** A checkpoint outside of invocations (expired records): held while a window is open. */
export const holdCheckpoint = (window: WindowState, checkpoint: string): WindowState | undefined =>
  window.window === undefined ? undefined : { ...window, heldCheckpoint: checkpoint }
