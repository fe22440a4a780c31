/**
 * Registration and the hand-over of a source between a rebuild and the live consumer, as pure
 * decisions over the stored records (docs/decisions/1004-rebuild-and-handover.md).
 *
 * A projection's progress in a source is `rebuilding` or `live`. The live consumer applies a
 * `live` projection to each batch; a `rebuilding` one it skips, recording in `consumerSeen` the
 * furthest position it passed. A rebuild reads the source itself from its own position and turns
 * the projection `live` only once it has applied everything up to `consumerSeen` and reached the
 * end of the source. Both write the progress compare-and-set, so the two cannot miss each other:
 *
 *     rebuild  ── applies …, 40 ── at the end (40); consumerSeen 38 ≤ 40: set live ──────────╮
 *     consumer ── batch 37-38: rebuilding, consumerSeen := 38 ── batch 39-41: live, applies ◀╯
 *                                                               (39, 40 skipped by key positions)
 *
 *     rebuild  ── at the end (40): set live ✗ conflict (consumer just wrote consumerSeen 42) ──
 *              ── reads on, applies 41-42, sets live
 *
 * Without a rebuild a new projection stays `rebuilding`; a consumer configured with
 * `newProjections: "start-here"` instead starts it live at its batch (history before it is then
 * not in the views).
 */
import type { ProjectionProgress, ProjectionRegistration } from "../ports/projectionStore.ts"
import { laterPosition } from "./positions.ts"
import type { AnyProjection } from "./projection.ts"

export type NewProjections = "rebuild" | "start-here"

export type RegistrationDecision =
  | { readonly _tag: "Current"; readonly generation: number }
  /** Register this version (a first registration, a new version or fingerprint, or a forced reset). */
  | { readonly _tag: "Register" }
  /** A newer version is registered: this one must not write. */
  | { readonly _tag: "Stale"; readonly registered: ProjectionRegistration }

export const registrationDecision = (
  projection: AnyProjection,
  registered: ProjectionRegistration | undefined,
  reset = false,
): RegistrationDecision => {
  if (registered === undefined || reset) return { _tag: "Register" }
  if (registered.version > projection.version) return { _tag: "Stale", registered }
  if (registered.version === projection.version && registered.fingerprint === (projection.fingerprint ?? ""))
    return { _tag: "Current", generation: registered.generation }
  return { _tag: "Register" }
}

export type ConsumerDecision =
  | { readonly _tag: "Apply" }
  /** Skip the projection for this batch, after writing `progress`. */
  | { readonly _tag: "Skip"; readonly progress: ProjectionProgress }

/** What a live consumer does with a projection for a batch whose events end at `last`. */
export const consumerDecision = (
  progress: ProjectionProgress | undefined,
  source: string,
  last: string,
  mode: NewProjections,
  now: number,
): ConsumerDecision => {
  if (progress?.status === "live") return { _tag: "Apply" }
  if (progress === undefined && mode === "start-here") return { _tag: "Apply" }
  return {
    _tag: "Skip",
    progress:
      progress === undefined
        ? { source, status: "rebuilding", consumerSeen: last, applied: 0, revision: 1, updatedAt: now }
        : {
            ...progress,
            consumerSeen: laterPosition(progress.consumerSeen, last) as string,
            revision: progress.revision + 1,
            updatedAt: now,
          },
  }
}

/** Progress after applying events up to `last` (`applied` of them new). */
export const advancedProgress = (
  progress: ProjectionProgress | undefined,
  source: string,
  last: string | undefined,
  applied: number,
  status: ProjectionProgress["status"],
  now: number,
): ProjectionProgress => {
  const position = laterPosition(progress?.position, last)
  return {
    ...(progress ?? {}),
    source,
    status: progress?.status === "live" ? "live" : status,
    ...(position === undefined ? {} : { position }),
    applied: (progress?.applied ?? 0) + applied,
    revision: (progress?.revision ?? 0) + 1,
    updatedAt: now,
  }
}

/**
 * Whether a rebuild at the end of its source may hand over: it has applied everything the
 * consumer passed.
 */
export const mayGoLive = (progress: ProjectionProgress): boolean =>
  progress.consumerSeen === undefined ||
  (progress.position !== undefined && progress.position >= progress.consumerSeen)

/** Progress re-read after a conflict, with what this writer knows merged in (positions only grow). */
export const mergeProgress = (
  stored: ProjectionProgress,
  mine: ProjectionProgress,
  appliedSinceRead: number,
  now: number,
): ProjectionProgress => {
  const position = laterPosition(stored.position, mine.position)
  return {
    ...stored,
    ...(position === undefined ? {} : { position }),
    applied: stored.applied + appliedSinceRead,
    ...(mine.detail === undefined ? {} : { detail: mine.detail }),
    revision: stored.revision + 1,
    updatedAt: now,
  }
}
