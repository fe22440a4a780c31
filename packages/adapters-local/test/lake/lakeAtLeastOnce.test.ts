/**
 * The lake's end-to-end property: for any stream of readings and any crash points, every
 * reading accepted into the durable stream is in the lake at least once after recovery; every
 * object is a valid gzip of whole JSON lines; keys follow the prefix; and DuckDB reads the
 * readings back from the files.
 *
 * A "life" of the process: open the file store (which sweeps what a crash left), make a
 * delivery stream and a feeder, append some readings to the stream, run some feeder steps and
 * interval ticks — and crash at a generated object write (after the temporary file is written,
 * or after the rename), or at the end of the life, losing every buffer. The stream log and the
 * checkpoints survive, as they do on disk. The last life runs to the end and drains.
 */
import { readdirSync } from "node:fs"
import path from "node:path"
import { DuckDBInstance } from "@duckdb/node-api"
import { MemoryCheckpoints, MemoryStream, SimulatedCrash } from "@sluice/adapters-memory"
import { Checkpoints, DeliveryStream, ObjectStore, Stream } from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect, Exit, Layer } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import * as FileObjectStore from "../../src/lake/fileObjectStore.ts"
import { LakeProgress } from "../../src/lake/lakeProgress.ts"
import * as LocalDeliveryStream from "../../src/lake/localDeliveryStream.ts"
import { makeLakeFeeder } from "../../src/lake/streamToLake.ts"
import { listLakeFiles } from "../../src/query/lakeFiles.ts"
import { createLakeView } from "../../src/query/lakeView.ts"
import { payloadText, readObjects, removeDir, storedIds, T0, tempDir } from "./lakeFixtures.ts"

const parent = tempDir("sluice-crash-")
const duck = await DuckDBInstance.create(":memory:")
const connection = await duck.connect()
afterAll(() => {
  connection.closeSync()
  duck.closeSync()
  removeDir(parent)
})

const KEY =
  /^telemetry\/year=\d{4}\/month=\d{2}\/day=\d{2}\/hour=\d{2}\/sluice-lake-1-\d{4}(-\d{2}){5}-[0-9a-f-]{36}\.gz$/

const reading = fc.record({
  device: fc.constantFrom("dev-1", "dev-2", "sensor:7_x", "a"),
  second: fc.integer({ min: 0, max: 3 * 3600 }),
  temperature: fc.integer({ min: 15, max: 25 }),
})

const life = fc.record({
  readings: fc.array(reading, { maxLength: 40 }),
  steps: fc.integer({ min: 0, max: 4 }),
  advanceMs: fc.integer({ min: 0, max: 15_000 }),
  /** Crash at the n-th object write of this life, at one of its two steps. */
  crash: fc.option(
    fc.record({
      at: fc.integer({ min: 0, max: 3 }),
      step: fc.constantFrom("written" as const, "renamed" as const),
    }),
    { nil: undefined },
  ),
})

let crashes = 0
let runs = 0

const idOf = (r: { device: string; second: number }) =>
  `${r.device}/${new Date(T0 + r.second * 1000).toISOString().slice(0, 19)}`

describe("the local lake under crashes", () => {
  it("holds every reading of the stream at least once, in whole gzip objects, and DuckDB reads them back", () =>
    checkAsyncProperty(
      fc.asyncProperty(
        fc.array(life, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 200, max: 3000 }),
        async (lives, sizeBytes) => {
          const root = path.join(parent, `lake-${runs++}`)
          const stream = MemoryStream.make({ shardCount: 2 })
          const checkpoints = MemoryCheckpoints.make()
          const appended: string[] = []
          const program = Effect.gen(function* () {
            yield* TestClock.setTime(T0)
            for (const [index, current] of [
              ...lives,
              { readings: [], steps: 0, advanceMs: 0, crash: undefined },
            ].entries()) {
              const last = index === lives.length
              let writes = 0
              const store = FileObjectStore.makeService({
                root,
                onPutStep: (step) => {
                  const crash = current.crash
                  if (crash === undefined) return
                  if (step === "written" && writes++ === crash.at && crash.step === "written") {
                    crashes++
                    throw new SimulatedCrash("crash before rename")
                  }
                  if (step === "renamed" && writes - 1 === crash.at && crash.step === "renamed") {
                    crashes++
                    throw new SimulatedCrash("crash after rename")
                  }
                },
              })
              yield* Effect.orDie(FileObjectStore.make({ root })) // sweeps what the last crash left
              const lifeRun = Effect.gen(function* () {
                const delivery = yield* LocalDeliveryStream.make({
                  seed: 1000 + index,
                  ticker: false,
                  bufferHints: { sizeBytes, intervalMs: 10_000 },
                })
                const services = Layer.mergeAll(
                  Layer.succeed(Stream, stream),
                  Layer.succeed(Checkpoints, checkpoints),
                  Layer.succeed(DeliveryStream, DeliveryStream.of(delivery)),
                  Layer.succeed(LakeProgress, LakeProgress.of(delivery)),
                )
                const feeder = yield* Effect.provide(makeLakeFeeder({ batchSize: 25 }), services)
                const entries = current.readings.map((r) => ({
                  partitionKey: r.device,
                  data: new TextEncoder().encode(
                    payloadText(r.device, T0 + r.second * 1000, { TEMPERATURE: r.temperature }),
                  ),
                }))
                if (entries.length > 0) {
                  const results = yield* stream.putRecords(entries)
                  results.forEach((result, i) => {
                    if (result._tag === "Put")
                      appended.push(idOf(current.readings[i] as (typeof current.readings)[number]))
                  })
                }
                const steps = last ? 1_000 : current.steps
                for (let step = 0; step < steps; step++) {
                  const read = yield* feeder.step
                  yield* TestClock.adjust(current.advanceMs)
                  yield* delivery.tick()
                  if (last && read === 0) break
                }
                if (last) {
                  yield* delivery.flush()
                  yield* feeder.commit
                }
              }).pipe(Effect.provideService(ObjectStore, store))
              const exit = yield* Effect.exit(lifeRun)
              if (Exit.isFailure(exit) && !(last === false && Exit.hasDies(exit))) {
                return yield* Effect.die(new Error(`life ${index} failed: ${JSON.stringify(exit.cause)}`))
              }
            }
          }).pipe(Effect.provide(TestClock.layer()))
          await Effect.runPromise(program)

          // Every appended reading is in the lake, each object is whole gzip lines, keys follow the prefix.
          const store = await Effect.runPromise(Effect.orDie(FileObjectStore.make({ root })))
          const objects = await Effect.runPromise(
            Effect.provideService(readObjects("telemetry/"), ObjectStore, store),
          )
          for (const object of objects) expect(object.key).toMatch(KEY)
          const ids = new Set(storedIds(objects))
          for (const id of appended) expect(ids.has(id), id).toBe(true)
          expect(await Effect.runPromise(store.list("errors/"))).toEqual([])
          const hidden = (dir: string): string[] =>
            readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
              e.isDirectory() ? hidden(path.join(dir, e.name)) : e.name.startsWith(".") ? [e.name] : [],
            )
          expect(hidden(root)).toEqual([])

          // DuckDB reads the same readings back, partition columns from the reading's own hour.
          await createLakeView(connection, listLakeFiles(root))
          const rows = (
            await connection.runAndReadAll("SELECT deviceId, ts, hour, day FROM telemetry")
          ).getRowObjectsJS()
          expect(new Set(rows.map((row) => `${row.deviceId}/${row.ts}`))).toEqual(new Set(appended))
          for (const row of rows) expect(row.hour).toBe(Number(String(row.ts).slice(11, 13)))
          removeDir(root)
        },
      ),
      12,
    ))

  it("exercised crashes in the middle of object writes", () => expect(crashes).toBeGreaterThan(0))
})
