import { readdirSync } from "node:fs"
import path from "node:path"
import { MemoryObjectStore } from "@sluice/adapters-memory"
import {
  DeliveryStream,
  type FirehoseTransformationEvent,
  firehoseTransform,
  ObjectStore,
  Retryable,
} from "@sluice/core"
import { Effect, Exit, Layer } from "effect"
import { TestClock } from "effect/testing"
import { describe, expect, it } from "vitest"
import * as FileObjectStore from "../../src/lake/fileObjectStore.ts"
import { LakeProgress } from "../../src/lake/lakeProgress.ts"
import * as LocalDeliveryStream from "../../src/lake/localDeliveryStream.ts"
import { payload, readObjects, removeDir, storedIds, T0, tempDir } from "./lakeFixtures.ts"

const HOUR = 3_600_000
const KEY =
  /^telemetry\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})\/sluice-lake-1-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.gz$/

/** Runs a test body with a memory store, virtual time starting at T0, and the stream's scope. */
const run = <A, E>(
  body: Effect.Effect<A, E, DeliveryStream | LakeProgress | ObjectStore>,
  options: LocalDeliveryStream.LocalDeliveryStreamOptions = {},
  store: Layer.Layer<ObjectStore> = MemoryObjectStore.layer(),
) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(T0)
      return yield* Effect.scoped(
        Effect.provide(
          body,
          LocalDeliveryStream.layer({ seed: 1, ticker: false, ...options }).pipe(Layer.provideMerge(store)),
        ),
      )
    }).pipe(Effect.provide(TestClock.layer())),
  )

const put = (records: ReadonlyArray<Uint8Array>) =>
  Effect.gen(function* () {
    const stream = yield* DeliveryStream
    return yield* stream.putRecordBatch(records)
  })

describe("local delivery stream: buffering hints", () => {
  it("writes a partition as one object once it reaches the size hint, named and keyed as Firehose does", () =>
    run(
      Effect.gen(function* () {
        const stream = yield* DeliveryStream
        const records = Array.from({ length: 30 }, (_, i) => payload(`dev-${i % 3}`, T0 + i * 1000))
        const results = yield* stream.putRecordBatch(records)
        expect(results.map((r) => r._tag)).toEqual(records.map(() => "Accepted"))
        const objects = yield* readObjects("telemetry/")
        expect(objects.length).toBeGreaterThanOrEqual(1)
        for (const object of objects) {
          const match = KEY.exec(object.key)
          expect(match, object.key).not.toBeNull()
          expect(match?.slice(1, 5)).toEqual(["2026", "11", "26", "07"])
          expect(match?.slice(5, 11)).toEqual(["2026", "11", "26", "07", "00", "00"])
        }
        const total = objects.reduce((sum, o) => sum + o.lines.reduce((s, l) => s + l.length + 1, 0), 0)
        expect(total).toBeGreaterThanOrEqual(1000)
      }),
      { bufferHints: { sizeBytes: 1000, intervalMs: 60_000 } },
    ))

  it("writes a partition when its interval has passed since its first record, not before", () =>
    run(
      Effect.gen(function* () {
        const stream = yield* DeliveryStream
        const progress = yield* LakeProgress
        yield* stream.putRecordBatch([payload("dev-1", T0)])
        yield* TestClock.adjust(59_999)
        yield* progress.tick()
        expect(yield* readObjects()).toEqual([])
        expect(yield* progress.durableCount()).toBe(0)
        yield* TestClock.adjust(1)
        yield* progress.tick()
        expect((yield* readObjects()).map((o) => o.lines.length)).toEqual([1])
        expect(yield* progress.durableCount()).toBe(1)
      }),
    ))

  it("runs the interval flush on its own ticker, on the clock it is given", () =>
    run(
      Effect.gen(function* () {
        const stream = yield* DeliveryStream
        yield* stream.putRecordBatch([payload("dev-1", T0)])
        yield* TestClock.adjust(60_000)
        for (let i = 0; i < 100 && (yield* readObjects()).length === 0; i++) yield* Effect.yieldNow
        expect((yield* readObjects()).length).toBe(1)
      }),
      { ticker: true },
    ))

  it("keeps each hour of readings in its own partition, and each object holds whole JSON lines of stored items", () =>
    run(
      Effect.gen(function* () {
        const stream = yield* DeliveryStream
        const records = [
          payload("a", T0),
          payload("b", T0 + HOUR),
          payload("a", T0 + 2 * HOUR + 5),
          payload("c", T0 + 1),
        ]
        yield* stream.putRecordBatch(records)
        yield* stream.flush()
        const objects = yield* readObjects("telemetry/")
        expect(objects.map((o) => o.key.split("/").slice(1, 5).join("/"))).toEqual([
          "year=2026/month=11/day=26/hour=07",
          "year=2026/month=11/day=26/hour=08",
          "year=2026/month=11/day=26/hour=09",
        ])
        expect(objects.map((o) => o.lines.length)).toEqual([2, 1, 1])
        const item = JSON.parse(objects[0]?.lines[0] ?? "{}")
        expect(item).toEqual({
          DEVICE_NAME: "a",
          TIMESTAMP: "2026-11-26T07:00:00",
          TEMPERATURE: 20 + (T0 % 7),
          HUMIDITY: 50,
          deviceId: "a",
          ts: "2026-11-26T07:00:00",
        })
      }),
    ))

  it("drains every buffer when its scope closes", async () => {
    const store = MemoryObjectStore.memoryObjectStore()
    await run(put([payload("a", T0), payload("b", T0 + HOUR)]), {}, Layer.succeed(ObjectStore, store.service))
    expect([...store.state.objects.keys()].filter((k) => k.startsWith("telemetry/"))).toHaveLength(2)
  })
})

describe("local delivery stream: failures", () => {
  it("writes records the transform cannot read under the error prefix, as Firehose's processing-failed records", () =>
    run(
      Effect.gen(function* () {
        const stream = yield* DeliveryStream
        const bad = new TextEncoder().encode('{"DEVICE_NAME":"dev-1","TEMPERATURE":21}\n')
        yield* TestClock.adjust(5_000)
        const results = yield* stream.putRecordBatch([payload("dev-1", T0), bad])
        expect(results.map((r) => r._tag)).toEqual(["Accepted", "Accepted"])
        yield* stream.flush()
        const errors = yield* readObjects("errors/")
        expect(errors).toHaveLength(1)
        expect(errors[0]?.key).toMatch(
          /^errors\/processing-failed\/year=2026\/month=11\/day=26\/hour=07\/sluice-lake-1-2026-11-26-07-00-05-/,
        )
        expect(JSON.parse(errors[0]?.lines[0] ?? "{}")).toEqual({
          attemptsMade: 1,
          arrivalTimestamp: T0 + 5_000,
          errorCode: "Lambda.ProcessingFailed",
          errorMessage: "TIMESTAMP: is missing",
          attemptEndingTimestamp: T0 + 5_000,
          rawData: Buffer.from(bad).toString("base64"),
          lambdaArn: "arn:aws:lambda:local:000000000000:function:sluice-firehose-transform",
        })
        expect(storedIds(yield* readObjects("telemetry/"))).toEqual(["dev-1/2026-11-26T07:00:00"])
        const stats = yield* (yield* LakeProgress).stats()
        expect(stats).toMatchObject({
          accepted: 2,
          failed: 1,
          deliveredRecords: 1,
          deliveredReadings: 1,
          buffered: 0,
        })
      }),
    ))

  it("counts filtered readings as dropped and durable at once", () =>
    run(
      Effect.gen(function* () {
        const stream = yield* DeliveryStream
        const progress = yield* LakeProgress
        yield* stream.putRecordBatch([payload("test-device", T0), payload("test-device", T0 + 1)])
        expect(yield* progress.durableCount()).toBe(2)
        expect((yield* progress.stats()).dropped).toBe(2)
      }),
      { transform: { kind: "builtin", options: { filter: (r) => !r.deviceId.startsWith("test-") } } },
    ))

  it("refuses a record over Firehose's 1,000 KiB limit as Poison", () =>
    run(
      Effect.gen(function* () {
        const results = yield* put([new Uint8Array(1000 * 1024 + 1), payload("a", T0)])
        expect(results.map((r) => (r._tag === "Failed" ? r.error._tag : r._tag))).toEqual([
          "Poison",
          "Accepted",
        ])
        expect(results[1]).toEqual({ _tag: "Accepted", recordId: "0" })
      }),
    ))

  it("holds back new records while an object cannot be written, then writes it first", async () => {
    let failing = true
    const memory = MemoryObjectStore.memoryObjectStore()
    const flaky = ObjectStore.of({
      ...memory.service,
      put: (key, body, options) =>
        failing
          ? Effect.fail(new Retryable({ reason: "disk unplugged" }))
          : memory.service.put(key, body, options),
    })
    await run(
      Effect.gen(function* () {
        const stream = yield* DeliveryStream
        expect((yield* stream.putRecordBatch([payload("a", T0)]))[0]?._tag).toBe("Accepted")
        const blocked = yield* Effect.exit(stream.putRecordBatch([payload("a", T0 + 1)]))
        expect(Exit.isFailure(blocked)).toBe(true)
        expect(JSON.stringify(blocked)).toContain("disk unplugged")
        failing = false
        yield* stream.putRecordBatch([payload("a", T0 + 2000)])
        yield* stream.flush()
        expect(storedIds(yield* readObjects("telemetry/")).sort()).toEqual([
          "a/2026-11-26T07:00:00",
          "a/2026-11-26T07:00:02",
        ])
      }),
      {
        bufferHints: { sizeBytes: 10, intervalMs: 60_000 },
        retryPolicy: { baseDelayMs: 0, maxDelayMs: 0, maxAttempts: 2, maxElapsedMs: 1000 },
      },
      Layer.succeed(ObjectStore, flaky),
    )
  })

  it("refuses a prefix Firehose would refuse, when it is made", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.scoped(
        Effect.provide(
          LocalDeliveryStream.make({ prefix: "data/!{firehose:error-output-type}/" }),
          MemoryObjectStore.layer(),
        ),
      ),
    )
    expect(JSON.stringify(exit)).toContain("only the error output prefix")
  })
})

describe("local delivery stream: a Lambda-shaped transform", () => {
  it("runs firehoseTransform() as Firehose would, with the same lake as the built-in transform", async () => {
    const records = [payload("a", T0), payload("b", T0 + HOUR), new TextEncoder().encode("garbage")]
    const collect = (transform: LocalDeliveryStream.LocalDeliveryStreamOptions["transform"]) =>
      run(
        Effect.gen(function* () {
          const stream = yield* DeliveryStream
          yield* stream.putRecordBatch(records)
          yield* stream.flush()
          const data = (yield* readObjects("telemetry/")).map((o) => o.lines)
          const errors = (yield* readObjects("errors/")).flatMap((o) =>
            o.lines.map((l) => JSON.parse(l).rawData),
          )
          return { data, errors }
        }),
        transform === undefined ? {} : { transform },
      )
    const builtin = await collect(undefined)
    const lambda = await collect({ kind: "lambda", handler: firehoseTransform({ log: () => {} }) })
    expect(lambda).toEqual(builtin)
  })

  it("sends a whole batch to the error output when the function keeps failing, after 3 retries", () => {
    let calls = 0
    return run(
      Effect.gen(function* () {
        yield* put([payload("a", T0), payload("b", T0)])
        yield* (yield* DeliveryStream).flush()
        const lines = (yield* readObjects("errors/")).flatMap((o) => o.lines.map((l) => JSON.parse(l)))
        expect(lines.map((l) => [l.errorCode, l.errorMessage, l.attemptsMade])).toEqual([
          ["Lambda.FunctionError", "function crashed", 4],
          ["Lambda.FunctionError", "function crashed", 4],
        ])
        expect(calls).toBe(4)
      }),
      {
        transform: {
          kind: "lambda",
          handler: () => {
            calls++
            throw new Error("function crashed")
          },
        },
      },
    )
  })

  it("treats a response that loses, repeats or invents a record id as a failed invocation", async () => {
    const answers: Record<string, (e: FirehoseTransformationEvent) => unknown> = {
      "Lambda.MissingRecordId": (e) => ({ records: e.records.slice(1).map((r) => ({ ...r, result: "Ok" })) }),
      "Lambda.DuplicatedRecordId": (e) => ({
        records: [...e.records, e.records[0]].map((r) => ({ ...r, result: "Ok" })),
      }),
      "Lambda.InvalidResponse": (e) => ({
        records: e.records.map((r) => ({ ...r, recordId: `x${r.recordId}`, result: "Ok" })),
      }),
    }
    for (const [code, answer] of Object.entries(answers)) {
      const codes = await run(
        Effect.gen(function* () {
          yield* put([payload("a", T0), payload("b", T0)])
          yield* (yield* DeliveryStream).flush()
          return (yield* readObjects("errors/")).flatMap((o) => o.lines.map((l) => JSON.parse(l).errorCode))
        }),
        { transform: { kind: "lambda", retries: 0, handler: (e) => answer(e) as never } },
      )
      expect(codes).toEqual([code, code])
    }
  })

  it("never writes outside the lake folder, whatever partition keys a custom transform returns", async () => {
    const outer = tempDir("sluice-hostile-")
    const root = path.join(outer, "lake")
    const hostile = ["..", "../..", "a/../../b", "", ".hidden", "x\u0000", "..\\..", "/etc", "ok"]
    try {
      const keys = await run(
        Effect.gen(function* () {
          yield* put(hostile.map((device) => new TextEncoder().encode(device)))
          yield* (yield* DeliveryStream).flush()
          const errors = (yield* readObjects("errors/")).flatMap((o) => o.lines.map((l) => JSON.parse(l)))
          expect(errors.map((e) => Buffer.from(e.rawData, "base64").toString())).toEqual([
            "../..",
            "a/../../b",
            "",
            "x\u0000",
            "..\\..",
            "/etc",
          ])
          for (const error of errors) expect(error.errorCode).toBe("DynamicPartitioning.InvalidPartitionKey")
          return (yield* (yield* ObjectStore).list("by-device/")).map((info) => info.key.split("/")[1])
        }),
        {
          prefix: "by-device/device=!{partitionKeyFromLambda:device}/",
          transform: {
            kind: "lambda",
            handler: (e) => ({
              records: e.records.map((r) => ({
                recordId: r.recordId,
                result: "Ok" as const,
                data: r.data,
                metadata: { partitionKeys: { device: Buffer.from(r.data, "base64").toString() } },
              })),
            }),
          },
        },
        Layer.orDie(FileObjectStore.layer({ root })),
      )
      // `device=..` and `device=.hidden` are odd folder names, but folders inside the lake.
      expect(keys.sort()).toEqual(["device=..", "device=.hidden", "device=ok"])
      expect(readdirSync(outer)).toEqual(["lake"])
      expect(readdirSync(root).sort()).toEqual(["by-device", "errors"])
    } finally {
      removeDir(outer)
    }
  })
})
