/**
 * The ordered producer against kinesalite under injected partial failures: every record lands
 * exactly once and each partition key's records come back from the shard in the order given,
 * KPL aggregates included; calls respect the limits and carry one record per key.
 */
import type { KinesisClient, PutRecordsRequestEntry } from "@aws-sdk/client-kinesis"
import { seededRandom } from "@sluice/adapters-memory"
import {
  deaggregate,
  type ReadResult,
  type RetryPolicy,
  type StartPosition,
  type Stream,
  utf8Length,
} from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import { Effect } from "effect"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type OrderedRecord, putOrdered } from "../../src/kinesis/index.ts"
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

const fast: RetryPolicy = { baseDelayMs: 1, maxDelayMs: 4, maxAttempts: 100, maxElapsedMs: 60_000 }
const bytes = (text: string) => new TextEncoder().encode(text)
const text = (data: Uint8Array) => new TextDecoder().decode(data)
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

/** Every user record of the stream, per partition key, in shard order (aggregates opened). */
const readBack = async (stream: Stream["Service"]) => {
  const byKey = new Map<string, string[]>()
  for (const shard of await run(stream.listShards())) {
    let from: StartPosition = { type: "TRIM_HORIZON" }
    for (;;) {
      const { records, next }: ReadResult = await run(stream.read(shard, from, 1000))
      if (records.length === 0) break
      from = next
      for (const record of records) {
        const opened = deaggregate(record.data)
        if (opened.kind === "corrupt") throw new Error(opened.reason)
        const users =
          opened.kind === "plain"
            ? [{ partitionKey: record.partitionKey, data: record.data }]
            : opened.records
        for (const user of users) {
          const list = byKey.get(user.partitionKey) ?? []
          list.push(text(user.data))
          byKey.set(user.partitionKey, list)
        }
      }
    }
  }
  return byKey
}

const expectedByKey = (records: ReadonlyArray<OrderedRecord>) => {
  const byKey = new Map<string, string[]>()
  for (const record of records)
    byKey.set(record.partitionKey, [...(byKey.get(record.partitionKey) ?? []), text(record.data)])
  return byKey
}

const expectCallsWithinLimits = (calls: PutRecordsRequestEntry[][], limits: Stream["Service"]["limits"]) => {
  for (const call of calls) {
    expect(call.length).toBeLessThanOrEqual(limits.maxCount)
    const keys = call.map((entry) => entry.PartitionKey)
    expect(new Set(keys).size).toBe(keys.length)
    let total = 0
    for (const entry of call) {
      const size = (entry.Data?.length ?? 0) + utf8Length(entry.PartitionKey ?? "")
      expect(size).toBeLessThanOrEqual(limits.maxRecordBytes)
      total += size
    }
    expect(total).toBeLessThanOrEqual(limits.maxBytes)
  }
}

describe("ordered producer (kinesalite, injected partial failures)", () => {
  it("keeps every key's order end to end while a seeded third of entries fail", async () => {
    const random = seededRandom(20261126)
    const faulty = faultyKinesis(client, () => {
      const draw = random.next()
      return draw < 0.2
        ? "ProvisionedThroughputExceededException"
        : draw < 0.33
          ? "InternalFailure"
          : undefined
    })
    const name = uniqueName("ordered")
    await createStream(client, name, 4)
    // Small limits force many calls, aggregates that split, and keys that wait their turn.
    const limits = { maxCount: 5, maxBytes: 2_000, maxRecordBytes: 600 }
    const stream = make({ client: faulty.client, streamName: name, limits })
    const records = Array.from({ length: 400 }, (_, i) => ({
      partitionKey: `dev-${random.int(12)}`,
      data: bytes(`reading-${i}-${"x".repeat(random.int(120))}`),
    }))
    const outcomes = await run(putOrdered(stream, records, { retry: fast }))
    expect(outcomes.filter((o) => o._tag !== "Put")).toEqual([])
    expect(await readBack(make({ client, streamName: name }))).toEqual(expectedByKey(records))
    expect(
      faulty.putCalls.flat().some((entry) => entry.Data && deaggregate(entry.Data).kind === "aggregated"),
    ).toBe(true)
    expectCallsWithinLimits(faulty.putCalls, limits)
    // Sub-sequence numbers of one aggregate count up in input order.
    const first = outcomes.find((o) => o._tag === "Put" && o.subSequenceNumber > 0)
    expect(first).toBeDefined()
  })

  it("control: a naive producer (several records per key per call, retry the failed) reorders", async () => {
    const random = seededRandom(7)
    const faulty = faultyKinesis(client, () => (random.next() < 0.3 ? "InternalFailure" : undefined))
    const name = uniqueName("naive")
    await createStream(client, name, 1)
    const stream = make({ client: faulty.client, streamName: name })
    const records = Array.from({ length: 40 }, (_, i) => ({ partitionKey: `k${i % 3}`, data: bytes(`${i}`) }))
    let pending: ReadonlyArray<OrderedRecord> = records
    while (pending.length > 0) {
      const results = await run(stream.putRecords(pending))
      pending = pending.filter((_, i) => results[i]?._tag !== "Put")
    }
    // The very check the tests above pass: here it must fail, or it proves nothing.
    expect(await readBack(stream)).not.toEqual(expectedByKey(records))
  })

  it("holds for any records and failure seed (property)", () =>
    checkAsyncProperty(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom("a", "b", "c", "d", "e"), size: fc.nat(300) }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer(),
        fc.boolean(),
        async (specs, seed, aggregate) => {
          const random = seededRandom(seed)
          const faulty = faultyKinesis(client, () => (random.next() < 0.4 ? "InternalFailure" : undefined))
          const name = uniqueName("prop")
          await createStream(client, name, 2)
          const limits = { maxCount: 3, maxBytes: 1_500, maxRecordBytes: 700 }
          const stream = make({ client: faulty.client, streamName: name, limits })
          const records = specs.map(({ key, size }, i) => ({
            partitionKey: key,
            data: bytes(`${i}:${"y".repeat(size)}`),
          }))
          const outcomes = await run(putOrdered(stream, records, { retry: fast, aggregate }))
          expect(outcomes.every((o) => o._tag === "Put")).toBe(true)
          expect(await readBack(make({ client, streamName: name }))).toEqual(expectedByKey(records))
          expectCallsWithinLimits(faulty.putCalls, limits)
        },
      ),
      8,
    ))

  it("gives up a key that keeps failing, with all its records and none sent after, while others land", async () => {
    const faulty = faultyKinesis(client, (entry) =>
      entry.PartitionKey === "stuck" ? "ProvisionedThroughputExceededException" : undefined,
    )
    const name = uniqueName("stuck")
    await createStream(client, name, 1)
    const stream = make({ client: faulty.client, streamName: name })
    const records = ["stuck", "ok", "stuck", "ok"].map((partitionKey, i) => ({
      partitionKey,
      data: bytes(`${i}`),
    }))
    const outcomes = await run(
      putOrdered(stream, records, { retry: { ...fast, maxAttempts: 3 }, aggregate: false }),
    )
    expect(outcomes.map((o) => (o._tag === "Put" ? "Put" : o.error._tag))).toEqual([
      "Throttled",
      "Put",
      "Throttled",
      "Put",
    ])
    expect(faulty.putCalls.flat().filter((entry) => entry.PartitionKey === "stuck")).toHaveLength(3)
    expect(await readBack(make({ client, streamName: name }))).toEqual(new Map([["ok", ["1", "3"]]]))
  })

  it("dead-ends records too large to send as Poison without blocking their key", async () => {
    const name = uniqueName("oversized")
    await createStream(client, name, 1)
    const stream = make({
      client,
      streamName: name,
      limits: { maxCount: 10, maxBytes: 1000, maxRecordBytes: 50 },
    })
    const records = [
      { partitionKey: "a", data: bytes("small-1") },
      { partitionKey: "a", data: new Uint8Array(60) },
      { partitionKey: "a", data: bytes("small-2") },
    ]
    const outcomes = await run(putOrdered(stream, records, { retry: fast }))
    expect(outcomes.map((o) => (o._tag === "Put" ? "Put" : o.error._tag))).toEqual(["Put", "Poison", "Put"])
    expect(await readBack(stream)).toEqual(new Map([["a", ["small-1", "small-2"]]]))
  })

  it("stops at a Fatal call error and fails every record not yet written with it", async () => {
    const stream = make({ client, streamName: "missing-stream" })
    const outcomes = await run(putOrdered(stream, [{ partitionKey: "a", data: bytes("x") }], { retry: fast }))
    expect(outcomes.map((o) => o._tag === "Failed" && o.error._tag)).toEqual(["Fatal"])
  })
})
