/**
 * The consumer's projections for one invocation of a tumbling window: gate each projection as in
 * consumerProjections.ts, fold the batch into the state carried by the event (lambdaWindow.ts),
 * and commit at the window's final invocation — or early, once a fold outgrows its budget.
 *
 * Failures: a transient one while folding leaves that projection's carried fold as it came (the
 * batch is retried from its first event, and already-folded events are skipped by position); in
 * the final invocation any failure fails the invocation, which Lambda retries until it succeeds
 * (it suspends the shard meanwhile), so a window's fold is never dropped.
 */
import { Effect } from "effect"
import type { Fatal } from "../delivery/errors.ts"
import { type ConsumerProjectionSettings, gateProjection } from "./consumerProjections.ts"
import type { PositionedEvent } from "./historyEvent.ts"
import {
  type CarriedFold,
  carriedKeyOf,
  decodeCarried,
  encodeCarried,
  flushWindow,
  foldIntoWindow,
  WINDOW_STATE_BUDGET_BYTES,
} from "./lambdaWindow.ts"

export interface WindowInvocation {
  /** The event's `state`. */
  readonly state: Readonly<Record<string, unknown>> | undefined
  /** `isFinalInvokeForWindow` or `isWindowTerminatedEarly`: commit everything carried. */
  readonly final: boolean
}

export interface WindowedProjectionsResult {
  /** The response's `state`. */
  readonly state: Record<string, unknown>
  readonly folded: number
  readonly waiting: ReadonlyArray<string>
  /** A transient failure while folding: retry the batch's events. */
  readonly retry: boolean
}

const appliedIn = (carried: CarriedFold | undefined) => {
  let n = 0
  for (const fold of carried?.keys.values() ?? []) n += fold.applied
  return n
}

export const applyWindowedProjections = Effect.fnUntraced(function* (
  source: string,
  events: ReadonlyArray<PositionedEvent>,
  invocation: WindowInvocation,
  settings: ConsumerProjectionSettings,
) {
  const state: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(invocation.state ?? {}))
    if (!key.startsWith("sluice:")) state[key] = value
  const last = events[events.length - 1]?.position
  const waiting: string[] = []
  let folded = 0
  let retry = false
  for (const projection of settings.projections) {
    const key = carriedKeyOf(projection.name)
    const incoming = yield* Effect.try({
      try: () => decodeCarried(invocation.state, projection.name),
      catch: (error) => error as Fatal,
    })
    let carried = incoming
    const step = Effect.gen(function* () {
      if (last !== undefined) {
        const gate = yield* gateProjection(projection, source, last, settings)
        if (gate._tag === "Apply") {
          const before = appliedIn(carried?.generation === gate.generation ? carried : undefined)
          carried = yield* foldIntoWindow(
            projection,
            gate.generation,
            source,
            events,
            carried,
            settings.retry,
          )
          folded += appliedIn(carried) - before
        } else waiting.push(projection.name)
      }
      if (carried === undefined) return
      const encoded = encodeCarried(carried)
      if (invocation.final || encoded.length > WINDOW_STATE_BUDGET_BYTES) {
        yield* flushWindow(projection, source, carried, settings.retry)
        // Early commit mid-window: the window goes on with this projection's fold empty.
      } else state[key] = encoded
    })
    if (invocation.final) yield* step
    else
      yield* step.pipe(
        Effect.catch((error) => {
          if (error._tag === "Fatal") return Effect.fail(error)
          retry = true
          if (incoming !== undefined) state[key] = encodeCarried(incoming)
          return Effect.void
        }),
      )
  }
  return { state, folded, waiting, retry } as WindowedProjectionsResult
})
