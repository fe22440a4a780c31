/**
 * The store-facing half of handover.ts: registering a projection's version, reading its progress
 * in a source, and updating that progress compare-and-set (re-reading and re-deciding on a
 * conflict, a bounded number of times).
 */
import { Clock, Effect } from "effect"
import { Retryable } from "../delivery/errors.ts"
import { defaultRetryPolicy, type RetryPolicy, withRetry } from "../delivery/retryPolicy.ts"
import {
  type ProjectionProgress,
  type ProjectionRegistration,
  ProjectionStore,
} from "../ports/projectionStore.ts"
import { registrationDecision } from "./handover.ts"
import type { AnyProjection } from "./projection.ts"

/** Rounds of read-decide-write before a progress update gives up (Retryable). */
const MAX_PROGRESS_ROUNDS = 10

export type Registered =
  | { readonly _tag: "Registered"; readonly generation: number; readonly reset: boolean }
  | { readonly _tag: "Stale"; readonly registered: ProjectionRegistration }

/** Registers the projection's version unless it is current; `reset` forces a rebuild. */
export const ensureRegistered = Effect.fnUntraced(function* (
  projection: AnyProjection,
  options: { readonly reset?: boolean; readonly retry?: RetryPolicy } = {},
) {
  const store = yield* ProjectionStore
  const retry = withRetry(options.retry ?? defaultRetryPolicy)
  const registered = (yield* store.registrations().pipe(retry)).find((r) => r.projection === projection.name)
  const decision = registrationDecision(projection, registered, options.reset === true)
  if (decision._tag === "Stale") return decision as Registered
  if (decision._tag === "Current")
    return { _tag: "Registered", generation: decision.generation, reset: false } as Registered
  const written = yield* store
    .register(
      { projection: projection.name, version: projection.version, fingerprint: projection.fingerprint ?? "" },
      { reset: options.reset === true },
    )
    .pipe(retry)
  return { _tag: "Registered", generation: written.generation, reset: true } as Registered
})

/** The projection's progress in one source, if any. */
export const progressIn = (projection: string, source: string, retry: RetryPolicy = defaultRetryPolicy) =>
  Effect.gen(function* () {
    const store = yield* ProjectionStore
    const all = yield* store.progress(projection).pipe(withRetry(retry))
    return all.find((p) => p.source === source)
  })

export type ProgressUpdate = "written" | "unchanged" | "stale"

/**
 * Updates progress compare-and-set: `decide` gets the stored progress (or undefined) and the
 * time, and returns what to write (its `revision` must be the stored one + 1), or undefined to
 * leave it. On a conflict it is called again with the newer record. `known`, when given, is the
 * progress the caller read moments ago: the first round decides on it instead of reading again
 * (a stale one only costs a conflict and a read).
 */
export const updateProgress = Effect.fnUntraced(function* (
  projection: string,
  generation: number,
  source: string,
  decide: (stored: ProjectionProgress | undefined, now: number) => ProjectionProgress | undefined,
  retry: RetryPolicy = defaultRetryPolicy,
  known?: { readonly progress: ProjectionProgress | undefined },
) {
  const store = yield* ProjectionStore
  for (let round = 0; round < MAX_PROGRESS_ROUNDS; round++) {
    const stored =
      round === 0 && known !== undefined ? known.progress : yield* progressIn(projection, source, retry)
    const next = decide(stored, yield* Clock.currentTimeMillis)
    if (next === undefined) return "unchanged" as ProgressUpdate
    const result = yield* store.putProgress(projection, generation, next).pipe(withRetry(retry))
    if (result === "written") return "written" as ProgressUpdate
    if (result === "stale") return "stale" as ProgressUpdate
  }
  return yield* new Retryable({ reason: `progress of ${projection} in ${source} kept changing; retry` })
})
