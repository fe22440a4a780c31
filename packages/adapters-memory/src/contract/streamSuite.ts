/**
 * The contract every Stream adapter passes: the local file log, memory, Kinesis (against
 * kinesalite). Only what Kinesis itself promises is asserted — per-shard sequence order, same
 * key same shard, per-key order across calls awaited in turn, positions — plus one thing the
 * event-source-mapping runner relies on: a read from LATEST returns a `next` position from
 * which records put after that read are seen (not a position that keeps meaning "the tip").
 *
 * Sequence numbers are compared as numbers (by BigInt), never as text.
 */
import { type StartPosition, Stream, type StreamRecord } from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type LayerFactory, runWith } from "./run.ts"

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (data: Uint8Array) => new TextDecoder().decode(data)
const isDecimal = (s: string) => /^\d+$/.test(s)
const precedes = (a: string, b: string) => BigInt(a) < BigInt(b)

/** Every record of a shard from a position, paging with `next` and a small limit. */
export const readAll = (shardId: string, from: StartPosition = { type: "TRIM_HORIZON" }, limit = 7) =>
  Effect.gen(function* () {
    const stream = yield* Stream
    const records: StreamRecord[] = []
    let position = from
    for (let page = 0; page < 10_000; page++) {
      const result = yield* stream.read(shardId, position, limit)
      if (result.records.length === 0) return records
      expect(result.records.length).toBeLessThanOrEqual(limit)
      records.push(...result.records)
      position = result.next
    }
    throw new Error("readAll: too many pages")
  })

/** Every record of every shard. */
export const readEverything = Effect.gen(function* () {
  const stream = yield* Stream
  const all: StreamRecord[] = []
  for (const shardId of yield* stream.listShards()) all.push(...(yield* readAll(shardId)))
  return all
})

const putOk = (entries: ReadonlyArray<{ partitionKey: string; data: Uint8Array }>) =>
  Effect.gen(function* () {
    const stream = yield* Stream
    const results = yield* stream.putRecords(entries)
    expect(results.length).toBe(entries.length)
    return results.map((result) => {
      if (result._tag !== "Put") throw new Error(`put failed: ${result.error.reason}`)
      return result
    })
  })

export const streamSuite = (
  name: string,
  make: LayerFactory<Stream>,
  options: { propertyRuns?: number } = {},
) =>
  describe(`Stream contract: ${name}`, () => {
    const run = <A, E>(body: Effect.Effect<A, E, Stream>) => runWith(make, body)

    it("lists its shards in a stable order", () =>
      run(
        Effect.gen(function* () {
          const stream = yield* Stream
          const shards = yield* stream.listShards()
          expect(shards.length).toBeGreaterThan(0)
          expect(new Set(shards).size).toBe(shards.length)
          expect(yield* stream.listShards()).toEqual(shards)
          expect(stream.limits.maxCount).toBeGreaterThan(0)
        }),
      ))

    it("returns one result per entry, in entry order, sequence numbers increasing within a shard", () =>
      run(
        Effect.gen(function* () {
          const stream = yield* Stream
          const shards = yield* stream.listShards()
          const entries = Array.from({ length: 30 }, (_, i) => ({
            partitionKey: `key-${i % 6}`,
            data: bytes(`r${i}`),
          }))
          const results = yield* putOk(entries)
          const lastInShard = new Map<string, string>()
          for (const result of results) {
            expect(shards).toContain(result.shardId)
            expect(isDecimal(result.sequenceNumber)).toBe(true)
            const last = lastInShard.get(result.shardId)
            if (last !== undefined) expect(precedes(last, result.sequenceNumber)).toBe(true)
            lastInShard.set(result.shardId, result.sequenceNumber)
          }
          const byKey = new Map<string, string>()
          entries.forEach((entry, i) => {
            const shardId = results[i]!.shardId
            expect(byKey.get(entry.partitionKey) ?? shardId).toBe(shardId)
            byKey.set(entry.partitionKey, shardId)
          })
        }),
      ))

    it("reads back every record with its key, data, coordinates and arrival time, in sequence order", () =>
      run(
        Effect.gen(function* () {
          const start = Date.now()
          const entries = Array.from({ length: 25 }, (_, i) => ({
            partitionKey: `dev-${i % 4}`,
            data: bytes(`{"n":${i}}`),
          }))
          const results = yield* putOk(entries)
          const all = yield* readEverything
          expect(all.length).toBe(entries.length)
          const bySequence = new Map(
            all.map((record) => [`${record.shardId}/${record.sequenceNumber}`, record]),
          )
          entries.forEach((entry, i) => {
            const result = results[i]!
            const record = bySequence.get(`${result.shardId}/${result.sequenceNumber}`)
            expect(record?.partitionKey).toBe(entry.partitionKey)
            expect(text(record!.data)).toBe(text(entry.data))
            expect(record!.approximateArrivalTimestamp).toBeGreaterThan(start - 60_000)
            expect(record!.approximateArrivalTimestamp).toBeLessThan(Date.now() + 60_000)
          })
          for (const shardId of new Set(all.map((r) => r.shardId))) {
            const inShard = all.filter((r) => r.shardId === shardId)
            for (let i = 1; i < inShard.length; i++)
              expect(precedes(inShard[i - 1]!.sequenceNumber, inShard[i]!.sequenceNumber)).toBe(true)
          }
        }),
      ))

    it("returns nothing from an empty shard, and is caught up", () =>
      run(
        Effect.gen(function* () {
          const stream = yield* Stream
          const [shardId] = yield* stream.listShards()
          const result = yield* stream.read(shardId!, { type: "TRIM_HORIZON" }, 10)
          expect(result.records).toEqual([])
          expect(result.millisBehindLatest).toBe(0)
        }),
      ))

    it("starts at or after a sequence number, and pages with `next` within the limit", () =>
      run(
        Effect.gen(function* () {
          const stream = yield* Stream
          const results = yield* putOk(
            Array.from({ length: 9 }, (_, i) => ({ partitionKey: "one-key", data: bytes(`${i}`) })),
          )
          const shardId = results[0]!.shardId
          const seq = results.map((r) => r.sequenceNumber)
          const at = yield* stream.read(shardId, { type: "AT_SEQUENCE_NUMBER", sequenceNumber: seq[3]! }, 2)
          expect(at.records.map((r) => text(r.data))).toEqual(["3", "4"])
          expect(at.millisBehindLatest).toBeGreaterThanOrEqual(0)
          const rest = yield* readAll(shardId, at.next, 2)
          expect(rest.map((r) => text(r.data))).toEqual(["5", "6", "7", "8"])
          const after = yield* stream.read(
            shardId,
            { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: seq[7]! },
            10,
          )
          expect(after.records.map((r) => text(r.data))).toEqual(["8"])
          expect(after.millisBehindLatest).toBe(0)
          const end = yield* stream.read(
            shardId,
            { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: seq[8]! },
            10,
          )
          expect(end.records).toEqual([])
        }),
      ))

    it("from LATEST sees only records put after the read, through `next`", () =>
      run(
        Effect.gen(function* () {
          const stream = yield* Stream
          const [first] = yield* putOk([{ partitionKey: "k", data: bytes("old") }])
          const latest = yield* stream.read(first!.shardId, { type: "LATEST" }, 10)
          expect(latest.records).toEqual([])
          yield* putOk([{ partitionKey: "k", data: bytes("new-1") }])
          yield* putOk([{ partitionKey: "k", data: bytes("new-2") }])
          const seen = yield* readAll(first!.shardId, latest.next)
          expect(seen.map((r) => text(r.data))).toEqual(["new-1", "new-2"])
        }),
      ))

    it("from AT_TIMESTAMP returns the records that arrived at or after it", () =>
      run(
        Effect.gen(function* () {
          for (let i = 0; i < 6; i++) yield* putOk([{ partitionKey: "k", data: bytes(`${i}`) }])
          const stream = yield* Stream
          const all = yield* readEverything
          const shardId = all[0]!.shardId
          expect(yield* readAll(shardId, { type: "AT_TIMESTAMP", timestamp: 0 })).toEqual(all)
          const pivot = all[3]!.approximateArrivalTimestamp
          const from = yield* readAll(shardId, { type: "AT_TIMESTAMP", timestamp: pivot })
          expect(from).toEqual(all.filter((r) => r.approximateArrivalTimestamp >= pivot))
          const future = yield* stream.read(
            shardId,
            { type: "AT_TIMESTAMP", timestamp: Date.now() + 3_600_000 },
            10,
          )
          expect(future.records).toEqual([])
        }),
      ))

    it("routes by explicit hash key: 0 to the first shard, 2^128-1 to the last", () =>
      run(
        Effect.gen(function* () {
          const stream = yield* Stream
          const shards = yield* stream.listShards()
          const results = yield* stream.putRecords([
            { partitionKey: "k", data: bytes("low"), explicitHashKey: "0" },
            { partitionKey: "k", data: bytes("high"), explicitHashKey: String((1n << 128n) - 1n) },
          ])
          expect(results.map((r) => (r._tag === "Put" ? r.shardId : r._tag))).toEqual([
            shards[0],
            shards[shards.length - 1],
          ])
        }),
      ))

    it("keeps each partition key's order across shards and calls (property)", () =>
      checkAsyncProperty(
        fc.asyncProperty(
          fc.array(
            fc.array(fc.constantFrom("a", "b", "c", "dev-1", "dev-2", "x:y", "ü"), {
              minLength: 1,
              maxLength: 12,
            }),
            {
              minLength: 1,
              maxLength: 6,
            },
          ),
          (calls) =>
            run(
              Effect.gen(function* () {
                const sent = new Map<string, string[]>()
                let n = 0
                for (const keys of calls) {
                  const entries = keys.map((partitionKey) => ({
                    partitionKey,
                    data: bytes(`${partitionKey}#${n++}`),
                  }))
                  for (const entry of entries)
                    sent.set(entry.partitionKey, [...(sent.get(entry.partitionKey) ?? []), text(entry.data)])
                  yield* putOk(entries)
                }
                const received = new Map<string, string[]>()
                for (const record of yield* readEverything)
                  received.set(record.partitionKey, [
                    ...(received.get(record.partitionKey) ?? []),
                    text(record.data),
                  ])
                expect(received).toEqual(sent)
              }),
            ),
        ),
        options.propertyRuns ?? 15,
      ))
  })
