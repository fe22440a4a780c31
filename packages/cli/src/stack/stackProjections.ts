/**
 * The stack's projections: the standard ones (projections/standardProjections.ts) kept in
 * `<data-dir>/projections.sqlite`, applied by the Kinesis consumer to each batch, and rebuilt in
 * the background at start for any that is new or re-versioned — the others keep running meanwhile
 * (docs/decisions/1004-rebuild-and-handover.md). The rebuild reads the stream log beside the
 * consumer and hands each shard over to it once caught up; if the consumer keeps passing it, it
 * tries again a little later.
 *
 * The store runs with `synchronous = NORMAL`: a process crash loses nothing (WAL), a power cut may
 * lose the last commits — views are derived data, and `sluice replay --rebuild` restores them —
 * so the consumer's batches pay no extra fsyncs for them.
 *
 * It also answers the dashboard: a device's latest windows, and the newest alerts.
 */
import { sqliteProjectionStore } from "@sluice/adapters-local"
import {
  type JsonObject,
  ProjectionStore,
  type ReplayReport,
  replayStream,
  type Stream,
  Stream as StreamService,
  Table,
} from "@sluice/core"
import { Effect, Exit, Fiber } from "effect"
import { AGGREGATES, ALERTS, standardProjections } from "../projections/standardProjections.ts"

/** Between rebuild passes while a projection is still rebuilding somewhere. */
const REBUILD_RETRY_MS = 2_000

export interface StackProjections {
  /** Spread into `kinesisConsumer(…)`. */
  readonly consumerOptions: {
    readonly projections: ReturnType<typeof standardProjections>
    readonly projectionStore: { readonly service: ProjectionStore["Service"] }
  }
  /** A device's newest windows of a resolution, oldest first. */
  readonly aggregates: (
    deviceId: string,
    resolution: string,
    limit: number,
  ) => Promise<ReadonlyArray<JsonObject>>
  /** The newest alerts (open ones first), newest first. */
  readonly alerts: (limit: number) => Promise<ReadonlyArray<JsonObject>>
  readonly close: () => Promise<void>
}

export const startStackProjections = (options: {
  readonly path: string
  /** The SQLite page cache, KiB (stackOptions.ts). */
  readonly cacheKiB?: number
  readonly streams: ReadonlyArray<Stream["Service"]>
  readonly table: Table["Service"]
  readonly log: (line: string) => void
}): StackProjections => {
  const store = sqliteProjectionStore({
    path: options.path,
    synchronous: "NORMAL",
    ...(options.cacheKiB === undefined ? {} : { cacheKiB: options.cacheKiB }),
  })
  const projections = standardProjections()
  let stopped = false
  const running = new Set<Fiber.Fiber<ReplayReport, unknown>>()
  const sleepers = new Set<() => void>()
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        sleepers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      sleepers.add(wake)
    })
  const rebuild = async (stream: Stream["Service"]) => {
    while (!stopped) {
      const fiber = Effect.runFork(
        replayStream({ projections }).pipe(
          Effect.provideService(StreamService, stream),
          Effect.provideService(ProjectionStore, store.service),
          Effect.provideService(Table, options.table),
        ),
      )
      running.add(fiber)
      const exit = await Effect.runPromise(Fiber.await(fiber))
      running.delete(fiber)
      if (stopped) return
      if (Exit.isFailure(exit)) options.log(`projections: rebuild of ${stream.name} failed; retrying`)
      else {
        for (const p of exit.value.projections.filter((p) => p.rebuilt))
          options.log(`projections: ${p.projection} rebuilt from ${stream.name} (${p.applied} readings)`)
        if (exit.value.projections.every((p) => p.status !== "rebuilding")) return
      }
      await pause(REBUILD_RETRY_MS)
    }
  }
  const rebuilds = Promise.all(options.streams.map(rebuild))
  const views = (projection: string, scan: Parameters<ProjectionStore["Service"]["views"]>[1]) =>
    Effect.runPromise(store.service.views(projection, scan))

  return {
    consumerOptions: { projections, projectionStore: store },
    aggregates: async (deviceId, resolution, limit) =>
      (await views(AGGREGATES, { prefix: `${deviceId}/${resolution}/`, descending: true, limit }))
        .map((view) => view.value)
        .reverse(),
    alerts: async (limit) => {
      const all = (await views(ALERTS, {})).map((view) => view.value)
      const rank = (alert: JsonObject) => (alert.status === "open" ? 1 : 0)
      return all
        .sort((a, b) => rank(b) - rank(a) || String(b.openedAt).localeCompare(String(a.openedAt)))
        .slice(0, limit)
    },
    close: async () => {
      stopped = true
      for (const wake of [...sleepers]) wake()
      for (const fiber of [...running]) await Effect.runPromise(Fiber.interrupt(fiber))
      await rebuilds
      store.close()
    },
  }
}
