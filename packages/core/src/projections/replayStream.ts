/**
 * `replayStream`: runs a stream's history through projections — the rebuild of a new or
 * re-versioned projection, or the catch-up of one that fell behind — idempotently and resumably
 * (docs/decisions/1004-rebuild-and-handover.md).
 *
 * Per shard, each projection resumes after its recorded position (or starts at the beginning of
 * the shard, or at `since`, when it has none). Records are read once for all projections starting
 * at the same place, decoded as the consumer decodes them, and applied batch by batch; after each
 * batch the projection's progress records the batch's last record, so a crash or a Ctrl-C resumes
 * there, and events it applied twice are skipped key by key. At the end of a shard a rebuilding
 * projection hands over to the live consumer (handover.ts) — or stays `rebuilding` if the consumer
 * keeps passing it, to be finished by the next replay.
 *
 * Requires Stream, ProjectionStore and Table (for projections that write the table).
 */
import { Effect } from "effect"
import { defaultRetryPolicy, type RetryPolicy, withRetry } from "../delivery/retryPolicy.ts"
import type { StartPosition } from "../ports/stream.ts"
import { Stream } from "../ports/stream.ts"
import { applyEvents } from "./applyEvents.ts"
import { advancedProgress, mayGoLive } from "./handover.ts"
import { sequenceNumberOfPosition, streamPosition, streamSource } from "./positions.ts"
import { updateProgress } from "./projectionRegistry.ts"
import {
  openSource,
  type ProjectionRun,
  type ReplayReport,
  type ReplaySettings,
  reportOf,
  startRuns,
} from "./replayRuns.ts"
import { eventsOfStreamRecords } from "./streamEvents.ts"

const DEFAULT_BATCH = 1_000
/** A whole record done: after all of its KPL sub-records. */
const LAST_SUB = 999_999
/** Reads finding nothing new before a shard is left with projections still rebuilding. */
const END_CONFIRMATIONS = 3

interface Counters {
  read: number
  events: number
  invalid: number
}

const tryGoLive = (run: ProjectionRun, source: string, retry: RetryPolicy) =>
  Effect.gen(function* () {
    let live = false
    yield* updateProgress(
      run.projection.name,
      run.generation,
      source,
      (stored, now) => {
        if (stored === undefined) return undefined
        if (stored.status === "live") {
          live = true
          return undefined
        }
        if (!mayGoLive(stored)) return undefined
        live = true
        return { ...stored, status: "live", revision: stored.revision + 1, updatedAt: now }
      },
      retry,
    )
    if (live) run.notLive.delete(source)
    return live
  })

const replayShard = Effect.fnUntraced(function* (
  shardId: string,
  source: string,
  runs: ReadonlyArray<ProjectionRun>,
  start: StartPosition,
  positions: Map<ProjectionRun, string | undefined>,
  counters: Counters,
  settings: ReplaySettings,
) {
  const stream = yield* Stream
  const retry = settings.retry ?? defaultRetryPolicy
  let from = start
  let quiet = 0
  for (;;) {
    const result = yield* stream
      .read(shardId, from, settings.batchSize ?? DEFAULT_BATCH)
      .pipe(withRetry(retry))
    const active = runs.filter((run) => !run.stale)
    if (result.records.length === 0) {
      for (const run of active) if (run.notLive.has(source)) yield* tryGoLive(run, source, retry)
      if (active.every((run) => !run.notLive.has(source)) || ++quiet >= END_CONFIRMATIONS) return
      continue
    }
    quiet = 0
    const decoded = eventsOfStreamRecords(stream.name, result.records)
    const lastRecord = result.records[result.records.length - 1] as (typeof result.records)[0]
    const last = streamPosition(lastRecord.sequenceNumber, LAST_SUB)
    counters.read += result.records.length
    counters.events += decoded.events.length
    counters.invalid += decoded.invalid
    for (const run of active) {
      const reached = positions.get(run)
      const pending = decoded.events.filter((e) => reached === undefined || e.position > reached)
      let applied = 0
      if (pending.length > 0) {
        const outcome = yield* applyEvents(run.projection, run.generation, source, pending, { retry })
        if (outcome.stale) {
          run.stale = true
          continue
        }
        applied = outcome.applied
        run.applied += outcome.applied
        run.skipped += outcome.skipped
      }
      const update = yield* updateProgress(
        run.projection.name,
        run.generation,
        source,
        (stored, now) => advancedProgress(stored, source, last, applied, "rebuilding", now),
        retry,
      )
      if (update === "stale") run.stale = true
      positions.set(run, last)
    }
    settings.onBatch?.({
      source,
      read: counters.read,
      events: counters.events,
      remaining: result.millisBehindLatest,
    })
    from = { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: sequenceNumberOfPosition(last) }
  }
})

/** Replays every shard of the Stream through the projections. */
export const replayStream = Effect.fnUntraced(function* (settings: ReplaySettings) {
  const stream = yield* Stream
  const retry = settings.retry ?? defaultRetryPolicy
  const runs = yield* startRuns(settings)
  const counters: Counters = { read: 0, events: 0, invalid: 0 }
  for (const shardId of yield* stream.listShards().pipe(withRetry(retry))) {
    const source = streamSource(stream.name, shardId)
    // Projections starting at the same place share one read of the shard.
    const groups = new Map<string, { start: StartPosition; runs: ProjectionRun[] }>()
    const positions = new Map<ProjectionRun, string | undefined>()
    for (const run of runs) {
      if (run.stale) continue
      const progress = yield* openSource(run, source, retry)
      const position = progress?.position
      positions.set(run, position)
      const start: StartPosition =
        position !== undefined
          ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: sequenceNumberOfPosition(position) }
          : settings.since !== undefined
            ? { type: "AT_TIMESTAMP", timestamp: settings.since }
            : { type: "TRIM_HORIZON" }
      const id = JSON.stringify(start)
      const group = groups.get(id) ?? { start, runs: [] }
      group.runs.push(run)
      groups.set(id, group)
    }
    for (const group of groups.values())
      yield* replayShard(shardId, source, group.runs, group.start, positions, counters, settings)
  }
  return { ...counters, projections: runs.map(reportOf) } as ReplayReport
})
