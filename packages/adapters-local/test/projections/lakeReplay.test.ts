/**
 * Replaying the local lake into projections: gzip objects and compacted Parquet files, resumably
 * (a second replay applies only new objects), compaction-aware (a compacted file of applied
 * objects is not applied again), and equal to replaying the same readings from the stream.
 */
import { MemoryProjectionStore, MemoryStream, MemoryTable } from "@sluice/adapters-memory"
import {
  DeliveryStream,
  LAKE_SOURCE,
  ProjectionStore,
  replayLake,
  replayStream,
  Stream,
  Table,
  thresholdAlerts,
  windowAggregates,
} from "@sluice/core"
import { Effect, Layer } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { compactLake, FileObjectStore, LocalDeliveryStream, localLakeHistory } from "../../src/index.ts"
import { payload, removeDir, T0, tempDir } from "../lake/lakeFixtures.ts"

const projections = [
  windowAggregates(),
  thresholdAlerts({ rules: [{ name: "warm", field: "TEMPERATURE", max: 24 }] }),
]

const deliver = (lakeDir: string, records: ReadonlyArray<Uint8Array>) =>
  Effect.runPromise(
    Effect.scoped(DeliveryStream.use((stream) => stream.putRecordBatch(records))).pipe(
      Effect.provide(
        LocalDeliveryStream.layer().pipe(Layer.provide(FileObjectStore.layer({ root: lakeDir }))),
      ),
    ),
  )

const readings = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => payload(i % 2 === 0 ? "d-1" : "d-2", T0 + (from + i) * 7_000))

describe("replaying the lake", () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) removeDir(dir)
  })

  it("applies every object once, resumes with new ones, and skips compacted files of applied objects", async () => {
    const lakeDir = tempDir()
    dirs.push(lakeDir)
    await deliver(lakeDir, readings(0, 40))
    const store = MemoryProjectionStore.memoryProjectionStore()
    const table = MemoryTable.memoryTable()
    const lake = localLakeHistory(lakeDir)
    const replay = () =>
      Effect.runPromise(
        replayLake(lake, { projections }).pipe(
          Effect.provideService(ProjectionStore, store.service),
          Effect.provideService(Table, table.service),
        ),
      )
    const first = await replay()
    expect(first.events).toBe(40)
    expect(first.projections.map((p) => [p.projection, p.status, p.applied])).toEqual([
      ["aggregates", "live", 40],
      ["alerts", "live", 40],
    ])
    const views = await Effect.runPromise(store.service.views("aggregates"))
    expect(views.filter((v) => v.key.startsWith("d-1/hour/")).map((v) => v.value.count)).toEqual([20])

    expect((await replay()).projections.map((p) => p.applied)).toEqual([0, 0])
    await compactLake({ lakeDir })
    const afterCompaction = await replay()
    expect(afterCompaction.read).toBe(0)
    expect(afterCompaction.projections.map((p) => p.applied)).toEqual([0, 0])

    await deliver(lakeDir, readings(40, 10))
    const more = await replay()
    expect(more.events).toBe(10)
    expect(more.projections.map((p) => p.applied)).toEqual([10, 10])
    const progress = await Effect.runPromise(store.service.progress("aggregates"))
    expect(progress.map((p) => [p.source, p.status, p.applied])).toEqual([[LAKE_SOURCE, "live", 50]])
    await lake.close()
  })

  it("gives the views a stream replay of the same readings gives", async () => {
    const lakeDir = tempDir()
    dirs.push(lakeDir)
    const records = readings(0, 30)
    await deliver(lakeDir, records)
    await compactLake({ lakeDir })
    const fromLake = MemoryProjectionStore.memoryProjectionStore()
    const lake = localLakeHistory(lakeDir)
    await Effect.runPromise(
      replayLake(lake, { projections }).pipe(
        Effect.provideService(ProjectionStore, fromLake.service),
        Effect.provideService(Table, MemoryTable.make()),
      ),
    )
    await lake.close()
    const stream = MemoryStream.memoryStream({ name: "telemetry" })
    for (const data of records) await stream.putRecords([{ partitionKey: "k", data }])
    const fromStream = MemoryProjectionStore.memoryProjectionStore()
    await Effect.runPromise(
      replayStream({ projections }).pipe(
        Effect.provideService(Stream, stream.service),
        Effect.provideService(ProjectionStore, fromStream.service),
        Effect.provideService(Table, MemoryTable.make()),
      ),
    )
    for (const name of ["aggregates", "alerts"]) {
      expect(await Effect.runPromise(fromLake.service.views(name))).toEqual(
        await Effect.runPromise(fromStream.service.views(name)),
      )
    }
  })
})
