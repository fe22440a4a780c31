/**
 * The contract every DeliveryStream adapter passes that can show what it delivered: memory and
 * the local (filesystem) stream. The Firehose adapter has no server to run here and is tested
 * on mocked responses instead (adapters-aws).
 *
 * The family's layer provides the stream and `DeliveredLines`: the delivered data as text lines
 * (raw records, or the transform's output — both decode as readings). The suite sends hands-on
 * readings and checks the port's promises: one result per record in order, oversized records
 * refused as Poison, any number of records accepted (the adapter splits calls), and after
 * `flush` every accepted reading delivered at least once.
 */
import { DeliveryStream, decodeReading, eventIdOf } from "@sluice/core"
import { Context, Effect, Result } from "effect"
import { describe, expect, it } from "vitest"
import { type LayerFactory, runWith } from "./run.ts"

/** What a delivery stream under test has delivered, as lines of text. */
export class DeliveredLines extends Context.Service<
  DeliveredLines,
  { readonly lines: () => Effect.Effect<ReadonlyArray<string>, unknown> }
>()("@sluice/adapters-memory/contract/DeliveredLines") {}

const payload = (device: string, second: number) =>
  new TextEncoder().encode(
    `${JSON.stringify({
      DEVICE_NAME: device,
      TIMESTAMP: `2026-11-26T07:${String(Math.floor(second / 60) % 60).padStart(2, "0")}:${String(second % 60).padStart(2, "0")}`,
      TEMPERATURE: 20 + (second % 5),
      HUMIDITY: 50,
      SEQ: second,
    })}\n`,
  )

const idsOf = (lines: ReadonlyArray<string>) =>
  lines
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const reading = decodeReading(line)
      if (Result.isFailure(reading)) throw new Error(`delivered line is not a reading: ${line}`)
      return eventIdOf(reading.success)
    })

export const deliveryStreamSuite = (name: string, make: LayerFactory<DeliveryStream | DeliveredLines>) =>
  describe(`DeliveryStream contract: ${name}`, () => {
    const run = <A, E>(body: Effect.Effect<A, E, DeliveryStream | DeliveredLines>) => runWith(make, body)

    it("declares usable PutRecordBatch limits", () =>
      run(
        Effect.gen(function* () {
          const { limits, name } = yield* DeliveryStream
          expect(name.length).toBeGreaterThan(0)
          expect(limits.maxCount).toBeGreaterThan(0)
          expect(limits.maxBytes).toBeGreaterThanOrEqual(limits.maxRecordBytes)
        }),
      ))

    it("accepts every record, answers each in order, and delivers each after flush", () =>
      run(
        Effect.gen(function* () {
          const stream = yield* DeliveryStream
          const records = Array.from({ length: 60 }, (_, i) => payload(`dev-${i % 3}`, i))
          const results = yield* stream.putRecordBatch(records)
          expect(results).toHaveLength(records.length)
          for (const result of results) expect(result._tag).toBe("Accepted")
          yield* stream.flush()
          const delivered = new Set(idsOf(yield* (yield* DeliveredLines).lines()))
          for (const record of records) {
            const id = idsOf([new TextDecoder().decode(record)])[0] as string
            expect(delivered.has(id), id).toBe(true)
          }
        }),
      ))

    it("splits a batch larger than one call's count limit", () =>
      run(
        Effect.gen(function* () {
          const stream = yield* DeliveryStream
          const records = Array.from({ length: stream.limits.maxCount * 2 + 1 }, (_, i) => payload("bulk", i))
          const results = yield* stream.putRecordBatch(records)
          expect(results.filter((r) => r._tag === "Accepted")).toHaveLength(records.length)
          yield* stream.flush()
          expect(new Set(idsOf(yield* (yield* DeliveredLines).lines())).size).toBe(records.length)
        }),
      ))

    it("refuses a record over the per-record limit as Poison and accepts the others", () =>
      run(
        Effect.gen(function* () {
          const stream = yield* DeliveryStream
          const huge = new Uint8Array(stream.limits.maxRecordBytes + 1).fill(0x20)
          const results = yield* stream.putRecordBatch([payload("a", 1), huge, payload("a", 2)])
          expect(results.map((r) => (r._tag === "Failed" ? r.error._tag : r._tag))).toEqual([
            "Accepted",
            "Poison",
            "Accepted",
          ])
        }),
      ))

    it("answers an empty batch with no results, and flushes nothing, twice, without error", () =>
      run(
        Effect.gen(function* () {
          const stream = yield* DeliveryStream
          expect(yield* stream.putRecordBatch([])).toEqual([])
          yield* stream.flush()
          yield* stream.flush()
          expect(idsOf(yield* (yield* DeliveredLines).lines())).toEqual([])
        }),
      ))
  })
