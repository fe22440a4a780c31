/**
 * A small world for projection tests: a memory stream holding hands-on readings, a memory table,
 * a memory projection store (optionally faulty), and helpers to replay and to snapshot what the
 * projections produced (views, states, latest-state records) for comparison.
 */
import {
  type AnyProjection,
  latestState,
  type ProjectionStore,
  ProjectionStore as ProjectionStoreService,
  type ReplayReport,
  type ReplaySettings,
  replayStream,
  Stream,
  Table,
  thresholdAlerts,
  windowAggregates,
} from "@sluice/core"
import { Effect, Exit } from "effect"
import fc from "fast-check"
import { MemoryProjectionStore, MemoryStream, MemoryTable } from "../../src/index.ts"

export const T0 = Date.UTC(2026, 10, 26, 7, 0, 0)
export const DEVICES = ["d-1", "d-2", "d-3"]

export interface Reading {
  readonly device: string
  readonly second: number
  readonly temperature: number
  readonly humidity: number
}

export const payloadOf = (r: Reading) =>
  new TextEncoder().encode(
    JSON.stringify({
      DEVICE_NAME: r.device,
      TIMESTAMP: new Date(T0 + r.second * 1000).toISOString().slice(0, 19),
      TEMPERATURE: r.temperature,
      HUMIDITY: r.humidity,
    }),
  )

/**
 * Histories: per device, time moves forward with jitter — a reading may come up to `maxBack`
 * seconds after a newer one — and some readings are delivered twice.
 */
export const historyArb = (maxBack: number) =>
  fc
    .array(
      fc.record({
        device: fc.nat(DEVICES.length - 1),
        advance: fc.integer({ min: 0, max: 25 }),
        back: fc.integer({ min: 0, max: maxBack }),
        temperature: fc.oneof(
          fc.integer({ min: 15, max: 25 }),
          fc.double({ min: -10, max: 45, noNaN: true }),
        ),
        humidity: fc.integer({ min: 30, max: 70 }),
        duplicate: fc.boolean(),
      }),
      { maxLength: 50 },
    )
    .map((steps) => {
      const clocks = DEVICES.map(() => 0)
      const readings: Reading[] = []
      // An event id (device + time) names one reading: a second reading at a taken time is that reading again.
      const byId = new Map<string, Reading>()
      for (const step of steps) {
        clocks[step.device] = (clocks[step.device] as number) + step.advance
        const second = Math.max(0, (clocks[step.device] as number) - step.back)
        const device = DEVICES[step.device] as string
        const id = `${device}/${second}`
        const r = byId.get(id) ?? { device, second, temperature: step.temperature, humidity: step.humidity }
        byId.set(id, r)
        readings.push(r)
        if (step.duplicate) readings.push(r)
      }
      return readings
    })

export const standardProjections = (): AnyProjection[] => [
  latestState,
  windowAggregates({ allowedLatenessMs: 120_000 }),
  thresholdAlerts({
    rules: [
      { name: "hot", field: "TEMPERATURE", max: 25 },
      { name: "dry", field: "HUMIDITY", min: 35 },
    ],
  }),
]

export const fastRetry = { baseDelayMs: 0, maxDelayMs: 0, maxAttempts: 3, maxElapsedMs: 1_000 }

export const makeWorld = (
  options: { faults?: MemoryProjectionStore.MemoryProjectionStoreOptions; seed?: number } = {},
) => {
  const stream = MemoryStream.memoryStream({ name: "telemetry", shardCount: 2 })
  const table = MemoryTable.memoryTable({ seed: options.seed ?? 1 })
  const store = MemoryProjectionStore.memoryProjectionStore(options.faults ?? {})
  const provide = <A, E>(effect: Effect.Effect<A, E, Stream | Table | ProjectionStore>) =>
    effect.pipe(
      Effect.provideService(Stream, stream.service),
      Effect.provideService(Table, table.service),
      Effect.provideService(ProjectionStoreService, store.service),
    )
  const append = async (readings: ReadonlyArray<Reading>) => {
    for (const r of readings) await stream.putRecords([{ partitionKey: r.device, data: payloadOf(r) }])
  }
  /** One replay; its exit (a crash is a defect, a give-up a failure). */
  const replay = (settings: ReplaySettings): Promise<Exit.Exit<ReplayReport, unknown>> =>
    Effect.runPromiseExit(provide(replayStream(settings)))
  /** Replays until a run completes (faults may interrupt runs). */
  const replayUntilDone = async (settings: ReplaySettings, maxRuns = 500): Promise<ReplayReport> => {
    for (let run = 0; run < maxRuns; run++) {
      const exit = await replay(settings)
      if (Exit.isSuccess(exit)) return exit.value
    }
    throw new Error(`replay did not complete in ${maxRuns} runs`)
  }
  /** What the projections produced: every view, every state value, every latest-state record. */
  const snapshot = async (projections: ReadonlyArray<AnyProjection>) => {
    const out: Record<string, unknown> = {}
    for (const p of projections) {
      const views = await Effect.runPromise(store.service.views(p.name))
      out[`${p.name} views`] = views
      const keys = [...(store.state.states.get(p.name)?.keys() ?? [])].sort()
      const states = await Effect.runPromise(store.service.states(p.name, keys))
      out[`${p.name} states`] = keys.map((k) => [k, states.get(k)?.state, states.get(k)?.positions])
    }
    out.latest = await table.scanLatest()
    return out
  }
  return { stream, table, store, provide, append, replay, replayUntilDone, snapshot }
}
