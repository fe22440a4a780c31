/**
 * The Kinesis Stream adapter against kinesalite: puts, per-entry validation and error
 * classification, shard listing, reads with cached iterators, and service errors.
 */
import type { KinesisClient } from "@aws-sdk/client-kinesis"
import type { ReadResult, StartPosition, StreamRecord } from "@sluice/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { make } from "../../src/kinesis/kinesisStream.ts"
import { faultyKinesis } from "../support/faultyKinesis.ts"
import {
  createStream,
  kinesisClientFor,
  type LocalServer,
  startKinesalite,
  uniqueName,
} from "../support/localServers.ts"

let server: LocalServer
let client: KinesisClient
beforeAll(async () => {
  server = await startKinesalite()
  client = kinesisClientFor(server)
})
afterAll(async () => {
  client?.destroy()
  await server?.close()
})

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (data: Uint8Array) => new TextDecoder().decode(data)
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

const freshStream = async (shards = 1) => {
  const name = uniqueName("stream")
  await createStream(client, name, shards)
  return name
}

/** Reads a shard from TRIM_HORIZON until a read returns nothing. */
const readAll = async (stream: ReturnType<typeof make>, shardId: string) => {
  const records: StreamRecord[] = []
  let from: StartPosition = { type: "TRIM_HORIZON" }
  for (;;) {
    const result: ReadResult = await run(stream.read(shardId, from, 100))
    if (result.records.length === 0) return records
    records.push(...result.records)
    from = result.next
  }
}

describe("Kinesis stream adapter (kinesalite)", () => {
  it("puts records and reads each shard back in sequence order", async () => {
    const stream = make({ client, streamName: await freshStream(3) })
    const entries = Array.from({ length: 30 }, (_, i) => ({
      partitionKey: `dev-${i % 7}`,
      data: bytes(`r${i}`),
    }))
    const results = await run(stream.putRecords(entries))
    expect(results.every((r) => r._tag === "Put")).toBe(true)
    const shards = await run(stream.listShards())
    expect(shards).toEqual(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"])
    const read = (await Promise.all(shards.map((shard) => readAll(stream, shard)))).flat()
    expect(read.map((r) => text(r.data)).sort()).toEqual(entries.map((e) => text(e.data)).sort())
    for (const shard of shards) {
      const ofShard = read.filter((r) => r.shardId === shard)
      const sorted = [...ofShard].sort((a, b) =>
        BigInt(a.sequenceNumber) < BigInt(b.sequenceNumber) ? -1 : 1,
      )
      expect(ofShard).toEqual(sorted)
    }
    for (const r of read) {
      const put = results.find((_, i) => text(entries[i]!.data) === text(r.data))
      expect(put).toEqual({ _tag: "Put", shardId: r.shardId, sequenceNumber: r.sequenceNumber })
      expect(r.partitionKey).toBe(entries.find((e) => text(e.data) === text(r.data))?.partitionKey)
      expect(r.approximateArrivalTimestamp).toBeGreaterThan(0)
    }
  })

  it("answers entries that can never be put as Poison without sending them, and puts the rest", async () => {
    const faulty = faultyKinesis(client, () => undefined)
    const stream = make({
      client: faulty.client,
      streamName: await freshStream(),
      limits: { maxCount: 500, maxBytes: 5 * 1024 * 1024, maxRecordBytes: 100 },
    })
    const results = await run(
      stream.putRecords([
        { partitionKey: "a", data: bytes("fine") },
        { partitionKey: "a", data: new Uint8Array(100) },
        { partitionKey: "", data: bytes("no key") },
        { partitionKey: "k".repeat(257), data: bytes("long key") },
        { partitionKey: "b", data: bytes("also fine") },
      ]),
    )
    expect(results.map((r) => r._tag)).toEqual(["Put", "Failed", "Failed", "Failed", "Put"])
    expect(results.slice(1, 4).map((r) => r._tag === "Failed" && r.error._tag)).toEqual([
      "Poison",
      "Poison",
      "Poison",
    ])
    expect(faulty.putCalls.map((call) => call.length)).toEqual([2])
  })

  it("classifies per-entry errors: throughput exceeded is Throttled, InternalFailure Retryable", async () => {
    const faulty = faultyKinesis(client, (entry) =>
      entry.PartitionKey === "hot"
        ? "ProvisionedThroughputExceededException"
        : entry.PartitionKey === "broken"
          ? "InternalFailure"
          : undefined,
    )
    const stream = make({ client: faulty.client, streamName: await freshStream() })
    const results = await run(
      stream.putRecords(
        ["hot", "ok", "broken"].map((partitionKey) => ({ partitionKey, data: bytes(partitionKey) })),
      ),
    )
    expect(results.map((r) => (r._tag === "Failed" ? r.error._tag : r._tag))).toEqual([
      "Throttled",
      "Put",
      "Retryable",
    ])
    const read = await readAll(stream, "shardId-000000000000")
    expect(read.map((r) => text(r.data))).toEqual(["ok"])
  })

  it("fails a call over the count limit as Fatal (the caller's bug), and an empty call makes no request", async () => {
    const faulty = faultyKinesis(client, () => undefined)
    const stream = make({
      client: faulty.client,
      streamName: await freshStream(),
      limits: { maxCount: 2, maxBytes: 1000, maxRecordBytes: 1000 },
    })
    expect(await run(stream.putRecords([]))).toEqual([])
    const error = await run(
      Effect.flip(stream.putRecords([1, 2, 3].map((i) => ({ partitionKey: "a", data: bytes(`${i}`) })))),
    )
    expect(error._tag).toBe("Fatal")
    expect(faulty.putCalls).toEqual([])
  })

  it("fails with Fatal when the stream does not exist", async () => {
    const stream = make({ client, streamName: "no-such-stream" })
    const error = await run(Effect.flip(stream.putRecords([{ partitionKey: "a", data: bytes("x") }])))
    expect(error._tag).toBe("Fatal")
    expect(error.message).toContain("ResourceNotFoundException")
    expect((await run(Effect.flip(stream.listShards())))._tag).toBe("Fatal")
  })

  it("keeps its place when polling from LATEST and spends one GetShardIterator per shard", async () => {
    const faulty = faultyKinesis(client, () => undefined)
    const stream = make({ client: faulty.client, streamName: await freshStream() })
    await run(stream.putRecords([{ partitionKey: "a", data: bytes("before") }]))
    const shard = "shardId-000000000000"
    let from: StartPosition = { type: "LATEST" }
    const first = await run(stream.read(shard, from, 10))
    expect(first.records).toEqual([])
    expect(first.next).toEqual(from)
    await run(stream.putRecords([{ partitionKey: "a", data: bytes("after-1") }]))
    const second = await run(stream.read(shard, first.next, 10))
    expect(second.records.map((r) => text(r.data))).toEqual(["after-1"])
    from = second.next
    await run(stream.putRecords([{ partitionKey: "a", data: bytes("after-2") }]))
    const third = await run(stream.read(shard, from, 10))
    expect(third.records.map((r) => text(r.data))).toEqual(["after-2"])
    expect(faulty.counts.get("GetShardIteratorCommand")).toBe(1)
    expect(faulty.counts.get("GetRecordsCommand")).toBe(3)
  })

  it("reads from a sequence number, at or after it, and honours the limit", async () => {
    const stream = make({ client, streamName: await freshStream() })
    const put = await run(
      stream.putRecords([0, 1, 2, 3].map((i) => ({ partitionKey: "a", data: bytes(`r${i}`) }))),
    )
    const seq = (i: number) => (put[i]?._tag === "Put" ? put[i].sequenceNumber : "")
    const shard = "shardId-000000000000"
    const at = await run(stream.read(shard, { type: "AT_SEQUENCE_NUMBER", sequenceNumber: seq(1) }, 2))
    expect(at.records.map((r) => text(r.data))).toEqual(["r1", "r2"])
    expect(at.next).toEqual({ type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: seq(2) })
    const after = await run(
      stream.read(shard, { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: seq(1) }, 100),
    )
    expect(after.records.map((r) => text(r.data))).toEqual(["r2", "r3"])
    const fromTime = await run(stream.read(shard, { type: "AT_TIMESTAMP", timestamp: 0 }, 100))
    expect(fromTime.records.map((r) => text(r.data))).toEqual(["r0", "r1", "r2", "r3"])
  })

  it("replaces an expired cached iterator once", async () => {
    const faulty = faultyKinesis(client, () => undefined)
    let expireNext = false
    const send = faulty.client.send.bind(faulty.client) as (command: unknown) => Promise<unknown>
    const expiring = {
      send: async (command: { constructor: { name: string } }) => {
        if (expireNext && command.constructor.name === "GetRecordsCommand") {
          expireNext = false
          throw Object.assign(new Error("Iterator expired"), {
            name: "ExpiredIteratorException",
            $metadata: { httpStatusCode: 400 },
          })
        }
        return send(command)
      },
    }
    const stream = make({ client: expiring as never, streamName: await freshStream() })
    const shard = "shardId-000000000000"
    const first = await run(stream.read(shard, { type: "TRIM_HORIZON" }, 10))
    await run(stream.putRecords([{ partitionKey: "a", data: bytes("x") }]))
    expireNext = true
    const second = await run(stream.read(shard, first.next, 10))
    expect(second.records.map((r) => text(r.data))).toEqual(["x"])
    expect(faulty.counts.get("GetShardIteratorCommand")).toBe(2)
  })
})
