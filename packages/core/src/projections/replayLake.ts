/**
 * `replayLake`: runs the data lake's history through projections, resumably, object by object.
 *
 * The lake has no order new objects respect (a late reading lands in an old hour's folder), so
 * the progress of a projection in the `lake` source lists the objects it has applied, in the order
 * it applied them; an object's place in that list is its ordinal, and its lines' positions are
 * (ordinal, line) — see positions.ts. An object is recorded after its events are applied: a crash
 * in between applies it again under the same ordinal, and keys skip what they had. New objects
 * get new ordinals, so a later replay applies exactly what arrived since.
 *
 * Compaction rewrites a partition's objects as one file that names the objects it replaces: a
 * compacted file whose sources were all applied is recorded without being read; one with sources
 * both applied and not is applied whole (its readings that were applied already are then seen
 * twice — harmless for the latest state and alerts, and counted as late, or skipped as duplicates
 * in open windows, by the aggregates). The lake and the stream are two copies of one history: feed
 * a projection from one of them (decision 1004). `since` keeps readings whose own time is at or
 * after it.
 */
import { Effect, Result } from "effect"
import type { Fatal, Retryable } from "../delivery/errors.ts"
import { defaultRetryPolicy } from "../delivery/retryPolicy.ts"
import type { Item } from "../ports/table.ts"
import { applyEvents } from "./applyEvents.ts"
import { eventOfItem, type PositionedEvent } from "./historyEvent.ts"
import { LAKE_SOURCE, lakePosition } from "./positions.ts"
import { updateProgress } from "./projectionRegistry.ts"
import { openSource, type ReplayReport, type ReplaySettings, reportOf, startRuns } from "./replayRuns.ts"

export interface LakeObject {
  readonly key: string
  /** Keys of the objects this one replaced (a compacted file's sources). */
  readonly replaces: ReadonlyArray<string>
}

/** How a replay reads a lake: list its data objects, and read one's stored items in line order. */
export interface LakeHistory {
  readonly list: () => Effect.Effect<ReadonlyArray<LakeObject>, Retryable | Fatal>
  /** The object's lines as stored items; a line that is not one is `undefined`. */
  readonly read: (key: string) => Effect.Effect<ReadonlyArray<Item | undefined>, Retryable | Fatal>
}

const objectsOf = (detail: unknown): string[] => {
  const objects = (detail as { objects?: unknown } | undefined)?.objects
  return Array.isArray(objects) ? objects.filter((o): o is string => typeof o === "string") : []
}

export const replayLake = Effect.fnUntraced(function* (lake: LakeHistory, settings: ReplaySettings) {
  const retry = settings.retry ?? defaultRetryPolicy
  const runs = yield* startRuns(settings)
  const applied = new Map<(typeof runs)[0], string[]>()
  for (const run of runs) {
    if (run.stale) continue
    const progress = yield* openSource(run, LAKE_SOURCE, retry)
    applied.set(run, objectsOf(progress?.detail))
  }
  const listed = yield* lake.list()
  const replaced = new Set(listed.flatMap((o) => o.replaces))
  const objects = listed.filter((o) => !replaced.has(o.key))
  let read = 0
  let events = 0
  let invalid = 0
  for (const [index, object] of objects.entries()) {
    const needing = runs.filter((run) => {
      const done = applied.get(run)
      return !run.stale && done !== undefined && !done.includes(object.key)
    })
    if (needing.length === 0) continue
    let positioned: Array<{ item: Item; line: number }> | undefined
    for (const run of needing) {
      const done = applied.get(run) as string[]
      const ordinal = done.length
      let batch: PositionedEvent[] = []
      if (object.replaces.length === 0 || !object.replaces.every((key) => done.includes(key))) {
        if (positioned === undefined) {
          const items = yield* lake.read(object.key)
          read++
          positioned = []
          items.forEach((item, line) => {
            if (item === undefined) invalid++
            else (positioned as Array<{ item: Item; line: number }>).push({ item, line })
          })
          events += positioned.length
        }
        batch = positioned.flatMap(({ item, line }) => {
          const event = eventOfItem(item)
          if (Result.isFailure(event)) return []
          if (settings.since !== undefined && event.success.reading.epochMs < settings.since) return []
          return [{ event: event.success, position: lakePosition(ordinal, line) }]
        })
      }
      let count = 0
      if (batch.length > 0) {
        const outcome = yield* applyEvents(run.projection, run.generation, LAKE_SOURCE, batch, { retry })
        if (outcome.stale) {
          run.stale = true
          continue
        }
        count = outcome.applied
        run.applied += outcome.applied
        run.skipped += outcome.skipped
      }
      const last = batch.length > 0 ? (batch[batch.length - 1] as PositionedEvent).position : undefined
      const update = yield* updateProgress(
        run.projection.name,
        run.generation,
        LAKE_SOURCE,
        (stored, now) => {
          if (stored === undefined) return undefined
          const known = objectsOf(stored.detail)
          if (known.includes(object.key)) return undefined
          return {
            ...stored,
            ...(last === undefined ? {} : { position: last }),
            applied: stored.applied + count,
            detail: { objects: [...known, object.key] },
            revision: stored.revision + 1,
            updatedAt: now,
          }
        },
        retry,
      )
      if (update === "stale") run.stale = true
      done.push(object.key)
    }
    settings.onBatch?.({ source: LAKE_SOURCE, read, events, remaining: objects.length - index - 1 })
  }
  for (const run of runs) {
    if (run.stale) continue
    yield* updateProgress(
      run.projection.name,
      run.generation,
      LAKE_SOURCE,
      (stored, now) =>
        stored === undefined || stored.status === "live"
          ? undefined
          : { ...stored, status: "live", revision: stored.revision + 1, updatedAt: now },
      retry,
    )
    run.notLive.delete(LAKE_SOURCE)
  }
  return { read, events, invalid, projections: runs.map(reportOf) } as ReplayReport
})
