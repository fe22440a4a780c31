/**
 * The memory stream's seeded faults behave like Kinesis: a partial failure reorders a key's
 * records if the caller naively retries the failed entries, and core's ordered-put planner
 * keeps the order anyway; throttled calls append nothing; the same seed injects the same faults.
 */
import {
  deaggregate,
  kinesisPutRecords,
  type PendingRecord,
  planOrderedCall,
  type StreamEntry,
  settleOrderedCall,
} from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { memoryStream } from "../../src/index.ts"

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (data: Uint8Array) => new TextDecoder().decode(data)

const everything = async (stream: ReturnType<typeof memoryStream>) =>
  stream.state.shards.flatMap((shard) => shard.records)

describe("memory stream faults", () => {
  it("reorders a key when failed entries are naively retried, as Kinesis does", async () => {
    const stream = memoryStream({ shardCount: 1, seed: 3, faults: { partial: 0.5 } })
    let pending: StreamEntry[] = Array.from({ length: 40 }, (_, i) => ({
      partitionKey: "k",
      data: bytes(String(i)),
    }))
    for (let round = 0; pending.length > 0 && round < 100; round++) {
      const results = await stream.putRecords(pending)
      pending = pending.filter((_, i) => results[i]?._tag === "Failed")
    }
    const order = (await everything(stream)).map((r) => Number(text(r.data)))
    expect(order.length).toBe(40)
    expect(order).not.toEqual([...order].sort((a, b) => a - b))
    expect(stream.state.faults.failedEntries).toBeGreaterThan(0)
  })

  it("fails a throttled call whole, appending nothing", async () => {
    const stream = memoryStream({ seed: 1, faults: { throttle: 1 } })
    await expect(stream.putRecords([{ partitionKey: "k", data: bytes("x") }])).rejects.toMatchObject({
      _tag: "Throttled",
    })
    expect(await everything(stream)).toEqual([])
  })

  it("throttles reads when asked", async () => {
    const stream = memoryStream({ seed: 1, faults: { readThrottle: 1 } })
    await expect(stream.read("shardId-000000000000", { type: "TRIM_HORIZON" }, 10)).rejects.toMatchObject({
      _tag: "Throttled",
    })
  })

  it("fails an entry Kinesis would refuse alone, as Poison", async () => {
    const stream = memoryStream({ limits: { ...kinesisPutRecords, maxRecordBytes: 10 } })
    const results = await stream.putRecords([
      { partitionKey: "k", data: bytes("ok") },
      { partitionKey: "k", data: bytes("far too large") },
      { partitionKey: "", data: bytes("no key") },
    ])
    expect(results.map((r) => r._tag)).toEqual(["Put", "Failed", "Failed"])
    expect(results[1]).toMatchObject({ error: { _tag: "Poison" } })
  })

  it("keeps per-key order under partial failures with planOrderedCall (property)", () =>
    checkAsyncProperty(
      fc.asyncProperty(
        fc.array(fc.constantFrom("a", "b", "c", "d"), { minLength: 1, maxLength: 60 }),
        fc.integer(),
        async (keys, seed) => {
          const stream = memoryStream({ shardCount: 2, seed, faults: { partial: 0.4, throttle: 0.1 } })
          let queues: Map<string, ReadonlyArray<PendingRecord>> = new Map()
          keys.forEach((key, i) => {
            queues.set(key, [...(queues.get(key) ?? []), { partitionKey: key, data: bytes(`${key}${i}`) }])
          })
          for (let round = 0; queues.size > 0; round++) {
            if (round > 500) throw new Error("did not converge")
            const plan = planOrderedCall(queues, stream.limits)
            const results = await stream.putRecords(plan.call.entries).catch(() => undefined)
            const written = plan.call.entries.map((_, i) => results?.[i]?._tag === "Put")
            queues = settleOrderedCall(plan.queues, plan.call, written)
          }
          const received = new Map<string, string[]>()
          for (const record of await everything(stream)) {
            const unpacked = deaggregate(record.data)
            const users = unpacked.kind === "aggregated" ? unpacked.records.map((r) => r.data) : [record.data]
            for (const data of users)
              received.set(record.partitionKey, [...(received.get(record.partitionKey) ?? []), text(data)])
          }
          const sent = new Map<string, string[]>()
          keys.forEach((key, i) => {
            sent.set(key, [...(sent.get(key) ?? []), `${key}${i}`])
          })
          expect(received).toEqual(sent)
        },
      ),
      30,
    ))
})
