/**
 * The consumer's projections: what `kinesisConsumer` does, after a batch's readings are stored,
 * for each configured projection besides the latest-state record (which the batch code writes
 * itself).
 *
 * Per projection: check its registration (a newer version registered elsewhere means this code is
 * stale: skip it), read its progress in the shard, and either apply the batch's stored events —
 * exactly once per key, whatever Lambda re-delivers — or, while a rebuild owns the shard, skip it
 * and record how far the consumer went (handover.ts). Only events before the batch's first retry
 * are given here: a later event applied now would carry its key past a reading still to come.
 *
 * A transient failure of the store or the table leaves the projection part-applied (per key,
 * atomically) and asks for the batch to be retried from its first event: the readings are
 * rewritten (idempotent) and the projection skips what it applied. A Fatal error fails the batch.
 *
 * Tumbling-window mode (Lambda's TumblingWindowInSeconds) folds into the state carried by the
 * event instead of committing per batch; see lambdaWindow.ts.
 */
import { Effect } from "effect"
import type { Fatal } from "../delivery/errors.ts"
import type { RetryPolicy } from "../delivery/retryPolicy.ts"
import type { ProjectionProgress } from "../ports/projectionStore.ts"
import { applyEvents } from "./applyEvents.ts"
import { advancedProgress, consumerDecision, type NewProjections } from "./handover.ts"
import type { PositionedEvent } from "./historyEvent.ts"
import type { AnyProjection } from "./projection.ts"
import type { ProjectionCache } from "./projectionCache.ts"
import { ensureRegistered, updateProgress } from "./projectionRegistry.ts"

export interface ConsumerProjectionSettings {
  readonly projections: ReadonlyArray<AnyProjection>
  /** What a projection the store has never seen does: wait for a rebuild (default) or start here. */
  readonly newProjections?: NewProjections
  readonly retry: RetryPolicy
  /** Registrations and states kept between batches (projectionCache.ts); none: read every batch. */
  readonly cache?: ProjectionCache
}

export interface ProjectionBatchSummary {
  /** Events applied, over all projections (duplicates of applied positions not counted). */
  readonly applied: number
  /** Projections skipped for this batch: rebuilding elsewhere, or stale (a newer version runs). */
  readonly waiting: ReadonlyArray<string>
  /** True when a transient failure asks for the batch's events to be retried. */
  readonly retry: boolean
}

export type ProjectionGate =
  /** `progress`: the progress as read for the decision, for the update after applying. */
  | {
      readonly _tag: "Apply"
      readonly generation: number
      readonly progress: ProjectionProgress | undefined
    }
  | { readonly _tag: "Wait" }

/**
 * Whether the consumer applies `projection` to a batch of `source` ending at `last`; records the
 * consumer's passage when it does not.
 */
export const gateProjection = Effect.fnUntraced(function* (
  projection: AnyProjection,
  source: string,
  last: string,
  settings: ConsumerProjectionSettings,
) {
  const cache = settings.cache
  let generation = cache?.generationOf(projection.name)
  if (generation === undefined) {
    const registered = yield* ensureRegistered(projection, { retry: settings.retry })
    if (registered._tag === "Stale") return { _tag: "Wait" } as ProjectionGate
    generation = registered.generation
    cache?.setGeneration(projection.name, generation)
  }
  const mode = settings.newProjections ?? "rebuild"
  let apply = false
  let progress: ProjectionProgress | undefined
  // Read every batch, never cached: whether the shard is live decides whether to apply at all.
  const written = yield* updateProgress(
    projection.name,
    generation,
    source,
    (stored, now) => {
      const decision = consumerDecision(stored, source, last, mode, now)
      apply = decision._tag === "Apply"
      progress = stored
      return decision._tag === "Skip" ? decision.progress : undefined
    },
    settings.retry,
  )
  if (written === "stale") cache?.forget(projection.name)
  return (
    apply && written !== "stale" ? { _tag: "Apply", generation, progress } : { _tag: "Wait" }
  ) as ProjectionGate
})

/** Records that `applied` events up to `last` are in the projection (live); `known`: as read before. */
export const recordApplied = (
  projection: AnyProjection,
  generation: number,
  source: string,
  last: string,
  applied: number,
  retry: RetryPolicy,
  known?: { readonly progress: ProjectionProgress | undefined },
) =>
  updateProgress(
    projection.name,
    generation,
    source,
    (stored, now) => advancedProgress(stored, source, last, applied, "live", now),
    retry,
    known,
  )

/** Applies the batch's stored events to every projection; never fails but with Fatal. */
export const applyConsumerProjections = Effect.fnUntraced(function* (
  source: string,
  events: ReadonlyArray<PositionedEvent>,
  settings: ConsumerProjectionSettings,
) {
  const last = events[events.length - 1]?.position
  if (last === undefined) return { applied: 0, waiting: [], retry: false } as ProjectionBatchSummary
  let applied = 0
  const waiting: string[] = []
  let retry = false
  for (const projection of settings.projections) {
    const step = Effect.gen(function* () {
      const gate = yield* gateProjection(projection, source, last, settings)
      if (gate._tag === "Wait") {
        waiting.push(projection.name)
        return
      }
      const result = yield* applyEvents(projection, gate.generation, source, events, {
        retry: settings.retry,
        ...(settings.cache === undefined ? {} : { cache: settings.cache }),
      })
      if (result.stale) {
        waiting.push(projection.name)
        return
      }
      applied += result.applied
      const recorded = yield* recordApplied(
        projection,
        gate.generation,
        source,
        last,
        result.applied,
        settings.retry,
        { progress: gate.progress },
      )
      if (recorded === "stale") settings.cache?.forget(projection.name)
    })
    yield* step.pipe(
      Effect.catch((error) =>
        error._tag === "Fatal"
          ? Effect.fail(error as Fatal)
          : Effect.sync(() => {
              retry = true
            }),
      ),
    )
  }
  return { applied, waiting, retry } as ProjectionBatchSummary
})
