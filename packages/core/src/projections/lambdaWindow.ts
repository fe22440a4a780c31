/**
 * Projections under Lambda's tumbling windows (TumblingWindowInSeconds): the fold is carried from
 * invocation to invocation in the event's `state` and the response's `state`, and committed to
 * the store once, at the window's final invocation (docs/decisions/1005-lambda-tumbling-windows.md).
 *
 *     invoke 1 {window, state: {}}              ─▶ fold batch 1 ─▶ {state: S1, batchItemFailures}
 *     invoke 2 {window, state: S1}              ─▶ fold batch 2 ─▶ {state: S2, …}
 *     final    {window, state: S2, isFinalInvokeForWindow: true} ─▶ commit S2's keys ─▶ {state: {}}
 *
 * The window is Lambda's (by arrival time); the projections' own windows stay in event time — the
 * Lambda window only decides how often their states and views are written. `state` maps
 * `sluice:<projection>` to JSON text (strings, as Java and Go runtimes type the map), holding the
 * projection's generation and the folds of the keys the window touched: state, positions and the
 * views to write. Keys not ours are passed through untouched.
 *
 * Positions travel in the folds, so a batch Lambda re-delivers within the window is skipped key
 * by key. A fold that outgrows `WINDOW_STATE_BUDGET_BYTES` is committed early (Lambda would end the
 * window early at 1 MB anyway). If a key changed in the store during the window — another applier
 * — the window's work on it cannot be redone here (its events are gone): the projection's progress
 * in the shard goes back to `rebuilding`, so a rebuild covers it (handover.ts).
 */
import { Effect } from "effect"
import { Fatal } from "../delivery/errors.ts"
import { type RetryPolicy, withRetry } from "../delivery/retryPolicy.ts"
import type { WriteIntent } from "../idempotency/intents.ts"
import { ProjectionStore } from "../ports/projectionStore.ts"
import type { Json, JsonObject } from "../telemetry/json.ts"
import { commitFolds, executeTableIntents } from "./applyEvents.ts"
import { foldEvents, type KeyFold, missingKeys } from "./foldEvents.ts"
import type { PositionedEvent } from "./historyEvent.ts"
import { laterPosition } from "./positions.ts"
import type { AnyProjection } from "./projection.ts"
import { updateProgress } from "./projectionRegistry.ts"

/**
 * Lambda ends a window early when its state passes 1 MB per shard (Lambda developer guide,
 * "Using tumbling windows"); committing at half of it keeps clear of that.
 */
export const WINDOW_STATE_BUDGET_BYTES = 512 * 1024

/** What the fold of one projection carries through a window. */
export interface CarriedFold {
  readonly generation: number
  /** The last position folded. */
  readonly last: string | undefined
  readonly keys: Map<string, KeyFold>
}

export const carriedKeyOf = (projection: string) => `sluice:${projection}`

type EncodedFold = {
  r: number
  s: Json
  p: Record<string, string>
  v: Array<[string, JsonObject]>
  n: number
}

export const encodeCarried = (carried: CarriedFold): string => {
  const keys: Record<string, EncodedFold> = {}
  for (const fold of carried.keys.values()) {
    if (!fold.changed) continue
    keys[fold.key] = {
      r: fold.expectedRevision,
      s: fold.state as Json,
      p: fold.positions,
      v: [...fold.views],
      n: fold.applied,
    }
  }
  return JSON.stringify({ g: carried.generation, l: carried.last ?? null, k: keys })
}

/** The carried fold of a projection in an event's state, or undefined; Fatal when unreadable. */
export const decodeCarried = (
  state: Readonly<Record<string, unknown>> | undefined,
  projection: string,
): CarriedFold | undefined => {
  const text = state?.[carriedKeyOf(projection)]
  if (text === undefined || text === null) return undefined
  try {
    if (typeof text !== "string") throw new Error("not a string")
    const parsed = JSON.parse(text) as { g: number; l: string | null; k: Record<string, EncodedFold> }
    const keys = new Map<string, KeyFold>()
    for (const [key, f] of Object.entries(parsed.k)) {
      keys.set(key, {
        key,
        expectedRevision: f.r,
        state: f.s,
        positions: { ...f.p },
        views: new Map(f.v),
        changed: true,
        applied: f.n,
      })
    }
    return { generation: parsed.g, last: parsed.l ?? undefined, keys }
  } catch (error) {
    throw new Fatal({
      reason: `the window state of projection ${projection} is unreadable (${(error as Error).message}); it was written by this consumer and must be passed back unchanged`,
    })
  }
}

/** Folds a batch into the carried fold (loading keys it lacks); runs table intents at once. */
export const foldIntoWindow = Effect.fnUntraced(function* (
  projection: AnyProjection,
  generation: number,
  source: string,
  events: ReadonlyArray<PositionedEvent>,
  carried: CarriedFold | undefined,
  retry: RetryPolicy,
) {
  // A carried fold of another generation belongs to a projection reset since: start over.
  const keys = new Map(carried?.generation === generation ? carried.keys : [])
  const store = yield* ProjectionStore
  const wanted = projection.stateless === true ? [] : missingKeys(projection, events, keys)
  const loaded =
    wanted.length === 0 ? new Map() : yield* store.states(projection.name, wanted).pipe(withRetry(retry))
  const tableIntents: WriteIntent[] = []
  const tally = foldEvents(projection, source, events, keys, loaded, tableIntents)
  yield* executeTableIntents(projection, tableIntents, retry)
  return {
    generation,
    last: laterPosition(carried?.generation === generation ? carried.last : undefined, tally.last),
    keys,
  } as CarriedFold
})

/**
 * Commits a carried fold and records the progress. Keys that conflict are re-read: if the store
 * already holds this fold (a retried final invocation whose commit landed), that is success;
 * otherwise the shard goes back to rebuilding.
 */
export const flushWindow = Effect.fnUntraced(function* (
  projection: AnyProjection,
  source: string,
  carried: CarriedFold,
  retry: RetryPolicy,
) {
  const result = yield* commitFolds(projection, carried.generation, carried.keys.values(), retry)
  if (result._tag === "Stale") return "stale" as const
  let lost = false
  if (result.conflicts.length > 0) {
    const store = yield* ProjectionStore
    const stored = yield* store.states(projection.name, result.conflicts).pipe(withRetry(retry))
    for (const key of result.conflicts) {
      const mine = carried.keys.get(key)?.positions[source]
      const theirs = stored.get(key)?.positions[source]
      if (mine !== undefined && (theirs === undefined || theirs < mine)) lost = true
    }
  }
  const last = carried.last
  if (last === undefined) return "flushed" as const
  let applied = 0
  for (const fold of carried.keys.values()) applied += fold.applied
  yield* updateProgress(
    projection.name,
    carried.generation,
    source,
    (stored, now) => {
      const base = stored ?? { source, status: "live" as const, applied: 0, revision: 0, updatedAt: now }
      const position = laterPosition(base.position, last)
      return lost
        ? {
            ...base,
            status: "rebuilding" as const,
            consumerSeen: laterPosition(base.consumerSeen, last) as string,
            revision: base.revision + 1,
            updatedAt: now,
          }
        : {
            ...base,
            ...(position === undefined ? {} : { position }),
            applied: base.applied + applied,
            revision: base.revision + 1,
            updatedAt: now,
          }
    },
    retry,
  )
  return lost ? ("lost" as const) : ("flushed" as const)
})
