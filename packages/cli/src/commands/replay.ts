/**
 * `sluice replay --data-dir D [--from stream|lake] [--projection NAME] [--since T] [--rules FILE]`:
 * runs the history kept in the data directory through projections — rebuilding a new or
 * re-versioned one from the start, catching up one that fell behind — and, with `--rules`,
 * through a rules file, keeping what it would route as views (docs/decisions/1006-replay-command.md).
 *
 * Idempotent and resumable: each projection records how far it applied each source after every
 * batch, and skips per key what it applied already, so running it again applies only what is
 * new, and an interrupted run (Ctrl-C, a crash) continues where it stopped. The stream log is
 * opened read-only in spirit (no retention runs); `sluice up` holds the log's lock, so stop the
 * stack first — projections the stack applies live are handed back to it when the replay has
 * caught up. Exit 0 when it ran, 1 when it failed (run it again to resume), 2 for bad options.
 */
import { existsSync } from "node:fs"
import {
  dataDirLayout,
  localLakeHistory,
  openLocalStream,
  sqliteProjectionStore,
  sqliteTable,
} from "@sluice/adapters-local"
import { ProjectionStore, type ReplayReport, replayLake, replayStream, Stream, Table } from "@sluice/core"
import { Cause, Effect, Exit, Fiber } from "effect"
import { type Command, UsageError } from "../command.ts"
import { replayOptions, replayPlan } from "./replayOptions.ts"
import { progressReporter, summaryText } from "./replayProgress.ts"

export const replayCommand: Command = {
  path: ["replay"],
  summary: "run the stored history through projections (or new rules), idempotently and resumably",
  description: [
    "Rebuilds projections from the history in the data directory: the stream log (--from stream, the default)",
    "or the data lake (--from lake). A projection with a new version or configuration, or --rebuild, starts from",
    "nothing; the others continue after what they applied. Each batch is recorded, so running it again applies",
    "only what is new and an interrupted run resumes. Projections: latest-state (the table's latest-state",
    "records), aggregates (per device, per minute and hour: count, min, max, mean of each numeric field; late",
    "readings counted, not aggregated), alerts (threshold alerts, once per excursion). --rules FILE routes the",
    "history through a rules file instead (topic data/<device>, payload as published) and keeps what it would",
    "route; --print prints it. Stop `sluice up` first: it holds the stream log.",
  ].join("\n"),
  options: replayOptions,
  examples: [
    "sluice replay --data-dir .sluice",
    "sluice replay --data-dir .sluice --projection aggregates --rebuild",
    "sluice replay --data-dir .sluice --from lake --since 2026-11-26T00:00:00Z",
    "sluice replay --data-dir .sluice --rules new-rules.json --print",
  ],
  run: async ({ values, io }) => {
    const plan = replayPlan(values, io.cwd, process.stderr.isTTY === true)
    const layout = dataDirLayout(plan.dataDir, io.cwd)
    if (!existsSync(layout.root)) throw new UsageError(`no data directory at ${layout.root}`)
    const store = sqliteProjectionStore({ path: layout.projections })
    const table = sqliteTable({ path: layout.table })
    const closers: Array<() => unknown> = [() => store.close(), () => table.close()]
    const started = Date.now()
    try {
      let sources = 1
      let program: Effect.Effect<ReplayReport, unknown, ProjectionStore | Table>
      const settings = {
        projections: plan.projections,
        reset: plan.rebuild,
        ...(plan.since === undefined ? {} : { since: plan.since }),
      }
      if (plan.from === "stream") {
        const dir = layout.stream(plan.streamName)
        if (!existsSync(dir)) throw new UsageError(`no stream ${plan.streamName} at ${dir}`)
        // No retention: a replay reads history, it never trims it.
        const stream = await openLocalStream({ dir, retention: {}, retentionCheckMs: 0 })
        closers.push(() => stream.close())
        sources = stream.shardIds.length
        program = replayStream({ ...settings, onBatch: (p) => reporter.onBatch(p) }).pipe(
          Effect.provideService(Stream, stream.service),
        )
      } else {
        const lake = localLakeHistory(layout.lake)
        closers.push(() => lake.close())
        program = replayLake(lake, { ...settings, onBatch: (p) => reporter.onBatch(p) })
      }
      const reporter = progressReporter({
        write: io.stderr,
        mode: plan.progress,
        every: plan.every,
        sources,
      })
      const fiber = Effect.runFork(
        program.pipe(
          Effect.provideService(ProjectionStore, store.service),
          Effect.provideService(Table, table.service),
        ),
      )
      const interrupt = () => void Effect.runFork(Fiber.interrupt(fiber))
      process.once("SIGINT", interrupt)
      const exit = await Effect.runPromise(Fiber.await(fiber))
      process.off("SIGINT", interrupt)
      reporter.done()
      if (Exit.isFailure(exit)) {
        const interrupted = Cause.hasInterruptsOnly(exit.cause)
        const error = Cause.squash(exit.cause)
        io.stderr(
          interrupted
            ? "sluice replay: interrupted; what was applied is recorded — run it again to resume\n"
            : `sluice replay: ${error instanceof Error ? error.message : String(error)}\nRun it again to resume.\n`,
        )
        return interrupted ? 130 : 1
      }
      const report = exit.value
      io.stdout(
        plan.json
          ? `${JSON.stringify({ from: plan.from, ...report, elapsedMs: Date.now() - started })}\n`
          : summaryText(plan.from, report, Date.now() - started),
      )
      if (plan.print && plan.rulesProjection !== undefined) {
        const routed = await Effect.runPromise(store.service.views(plan.rulesProjection))
        for (const view of routed) io.stdout(`${JSON.stringify(view.value)}\n`)
      }
      return 0
    } finally {
      for (const close of closers.reverse()) await close()
    }
  },
}
