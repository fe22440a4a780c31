/**
 * What replaying history keeps per projection while it runs, shared by the stream and lake
 * replays: the generation it writes under, where it stands in the current source, what it applied,
 * and the report it ends with.
 */
import { Effect } from "effect"
import type { RetryPolicy } from "../delivery/retryPolicy.ts"
import type { AnyProjection } from "./projection.ts"
import { ensureRegistered, progressIn, updateProgress } from "./projectionRegistry.ts"

export interface ReplaySettings {
  readonly projections: ReadonlyArray<AnyProjection>
  /** Epoch ms: a projection starting a source from nothing starts at this time, not the beginning. */
  readonly since?: number
  /** Rebuild every projection from nothing, even at its current version. */
  readonly reset?: boolean
  /** Records per read (stream) — default 1,000. */
  readonly batchSize?: number
  readonly retry?: RetryPolicy
  /** Called after each batch, for progress bars. */
  readonly onBatch?: (progress: ReplayProgress) => void
}

export interface ReplayProgress {
  readonly source: string
  /** Records (stream) or objects (lake) read so far, over all sources. */
  readonly read: number
  readonly events: number
  /** Stream: how far the last read is behind the shard's tip. Lake: objects left. */
  readonly remaining: number
}

export interface ProjectionReplayReport {
  readonly projection: string
  /** `live`: caught up; `rebuilding`: a live consumer is ahead of it; `stale`: a newer version is registered. */
  readonly status: "live" | "rebuilding" | "stale"
  /** Its old data was dropped: a new version, configuration, or `reset`. */
  readonly rebuilt: boolean
  readonly applied: number
  readonly skipped: number
}

export interface ReplayReport {
  readonly read: number
  readonly events: number
  /** Stream user records that are not readings (they are in the dead letters). */
  readonly invalid: number
  readonly projections: ReadonlyArray<ProjectionReplayReport>
}

export interface ProjectionRun {
  readonly projection: AnyProjection
  readonly generation: number
  readonly rebuilt: boolean
  stale: boolean
  /** Sources where it is still rebuilding. */
  readonly notLive: Set<string>
  applied: number
  skipped: number
}

/** Registers each projection (resetting it when asked) and opens its run. */
export const startRuns = Effect.fnUntraced(function* (settings: ReplaySettings) {
  const runs: ProjectionRun[] = []
  for (const projection of settings.projections) {
    const registered = yield* ensureRegistered(projection, {
      reset: settings.reset === true,
      ...(settings.retry === undefined ? {} : { retry: settings.retry }),
    })
    runs.push({
      projection,
      generation: registered._tag === "Registered" ? registered.generation : 0,
      rebuilt: registered._tag === "Registered" && registered.reset,
      stale: registered._tag === "Stale",
      notLive: new Set(),
      applied: 0,
      skipped: 0,
    })
  }
  return runs
})

/** The run's progress in a source, created as `rebuilding` when it has none. */
export const openSource = Effect.fnUntraced(function* (
  run: ProjectionRun,
  source: string,
  retry?: RetryPolicy,
) {
  const name = run.projection.name
  yield* updateProgress(
    name,
    run.generation,
    source,
    (stored, now) =>
      stored === undefined
        ? { source, status: "rebuilding", applied: 0, revision: 1, updatedAt: now }
        : undefined,
    retry,
  )
  const progress = yield* progressIn(name, source, retry)
  if (progress?.status === "live") run.notLive.delete(source)
  else run.notLive.add(source)
  return progress
})

export const reportOf = (run: ProjectionRun): ProjectionReplayReport => ({
  projection: run.projection.name,
  status: run.stale ? "stale" : run.notLive.size > 0 ? "rebuilding" : "live",
  rebuilt: run.rebuilt,
  applied: run.applied,
  skipped: run.skipped,
})
