/**
 * The local log's own behaviour beyond the shared contract: durability across reopen, segment
 * rolling, retention of whole segments, group commit, the directory lock, and per-key order
 * under concurrent producers with a restart in the middle.
 */
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { kinesisPutRecords, type StreamRecord } from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import { type LocalStream, type LocalStreamOptions, openLocalStream } from "../../src/stream/localStream.ts"
import { sequenceNumberOf } from "../../src/stream/sequenceNumbers.ts"
import { removeDir, tempDir } from "./tempDirs.ts"

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (data: Uint8Array) => new TextDecoder().decode(data)
const SHARD = "shardId-000000000000"

const dirs: string[] = []
const open = (options: Partial<LocalStreamOptions> & { dir?: string } = {}) => {
  const dir = options.dir ?? join(tempDir("sluice-log-"), "s")
  dirs.push(join(dir, ".."))
  return openLocalStream({ retentionCheckMs: 0, ...options, dir })
}
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir)
})

const readAll = async (stream: LocalStream, shardId = SHARD): Promise<StreamRecord[]> => {
  const out: StreamRecord[] = []
  let from: Parameters<LocalStream["read"]>[1] = { type: "TRIM_HORIZON" }
  for (;;) {
    const { records, next } = await stream.read(shardId, from, 5)
    if (records.length === 0) return out
    out.push(...records)
    from = next
  }
}

describe("local stream log", () => {
  it("keeps records and their sequence numbers across close and reopen, and continues after them", async () => {
    const first = await open({ shardCount: 1 })
    await first.putRecords([
      { partitionKey: "a", data: bytes("1") },
      { partitionKey: "b", data: bytes("2") },
    ])
    await first.close()
    const second = await open({ dir: first.dir })
    expect(second.shardIds).toEqual([SHARD])
    const [put] = await second.putRecords([{ partitionKey: "a", data: bytes("3") }])
    expect(put).toMatchObject({ sequenceNumber: sequenceNumberOf(2) })
    expect((await readAll(second)).map((r) => [r.sequenceNumber, text(r.data)])).toEqual([
      [sequenceNumberOf(0), "1"],
      [sequenceNumberOf(1), "2"],
      [sequenceNumberOf(2), "3"],
    ])
    await second.close()
  })

  it("rolls segments at their size and reads across them", async () => {
    const stream = await open({ shardCount: 1, segmentBytes: 100 })
    for (let i = 0; i < 30; i++) await stream.putRecords([{ partitionKey: "k", data: bytes(`record-${i}`) }])
    expect(stream.stats().segments).toBeGreaterThan(5)
    expect((await readAll(stream)).map((r) => text(r.data))).toEqual(
      Array.from({ length: 30 }, (_, i) => `record-${i}`),
    )
    const from = await stream.read(
      SHARD,
      { type: "AT_SEQUENCE_NUMBER", sequenceNumber: sequenceNumberOf(17) },
      3,
    )
    expect(from.records.map((r) => text(r.data))).toEqual(["record-17", "record-18", "record-19"])
    await stream.close()
  })

  it("deletes whole sealed segments past the retention age, never the active one, and reads start at the oldest left", async () => {
    let now = 1_000_000
    const stream = await open({
      shardCount: 1,
      segmentBytes: 60,
      retention: { maxAgeMs: 10_000 },
      now: () => now,
    })
    for (let i = 0; i < 10; i++) {
      await stream.putRecords([{ partitionKey: "k", data: bytes(`r${i}`.padEnd(30, ".")) }])
      now += 2_000
    }
    const before = stream.stats().segments
    now += 5_000
    const deleted = await stream.enforceRetention()
    expect(deleted).toBeGreaterThan(0)
    expect(stream.stats().segments).toBe(before - deleted)
    const left = await readAll(stream)
    expect(left.length).toBeGreaterThan(0)
    expect(left.every((r) => r.approximateArrivalTimestamp >= now - 10_000 - 2_000 * 2)).toBe(true)
    expect(text(left[left.length - 1]!.data)).toMatch(/^r9/)
    now += 1_000_000
    await stream.enforceRetention()
    expect(stream.stats().segments).toBe(1)
    expect(readdirSync(join(stream.dir, SHARD)).filter((f) => f.endsWith(".seg"))).toHaveLength(1)
    await stream.close()
  })

  it("deletes the oldest sealed segments while a shard is over its size bound", async () => {
    const stream = await open({ shardCount: 1, segmentBytes: 100, retention: { maxBytes: 400 } })
    for (let i = 0; i < 40; i++) await stream.putRecords([{ partitionKey: "k", data: bytes(`record-${i}`) }])
    const files = readdirSync(join(stream.dir, SHARD)).filter((f) => f.endsWith(".seg"))
    expect(files.length).toBeLessThanOrEqual(6)
    const left = await readAll(stream)
    expect(text(left[left.length - 1]!.data)).toBe("record-39")
    expect(left.map((r) => text(r.data))).toEqual(
      Array.from({ length: left.length }, (_, i) => `record-${40 - left.length + i}`),
    )
    await stream.close()
  })

  it("shares fsyncs between concurrent producers (group commit), acknowledging each only once synced", async () => {
    const stream = await open({ shardCount: 1 })
    const calls = Array.from({ length: 200 }, (_, i) =>
      stream.putRecords([{ partitionKey: `k${i}`, data: bytes(`${i}`) }]),
    )
    const results = await Promise.all(calls)
    expect(results.every(([r]) => r?._tag === "Put")).toBe(true)
    const { syncs, records, groups } = stream.stats()
    expect(records).toBe(200)
    expect(syncs).toBe(groups)
    expect(syncs).toBeLessThan(200)
    await stream.close()
  })

  it("refuses a second open of the same directory, and a different shard count", async () => {
    const stream = await open({ shardCount: 2 })
    await expect(openLocalStream({ dir: stream.dir })).rejects.toMatchObject({ _tag: "Fatal" })
    await stream.close()
    await expect(openLocalStream({ dir: stream.dir, shardCount: 3 })).rejects.toMatchObject({
      reason: expect.stringContaining("has 2 shards"),
    })
  })

  it("fails an entry Kinesis would refuse alone (Poison), and a call over the limits whole (Fatal)", async () => {
    const stream = await open({ limits: { ...kinesisPutRecords, maxRecordBytes: 20, maxCount: 3 } })
    const results = await stream.putRecords([
      { partitionKey: "k", data: bytes("fine") },
      { partitionKey: "k", data: bytes("x".repeat(30)) },
      { partitionKey: "k".repeat(257), data: bytes("") },
    ])
    expect(results.map((r) => (r._tag === "Failed" ? r.error._tag : r._tag))).toEqual([
      "Put",
      "Poison",
      "Poison",
    ])
    await expect(
      stream.putRecords(Array.from({ length: 4 }, () => ({ partitionKey: "k", data: bytes("") }))),
    ).rejects.toMatchObject({
      _tag: "Fatal",
    })
    await stream.close()
  })

  it("reports how far a read is behind the shard's tip", async () => {
    let now = 5_000
    const stream = await open({ shardCount: 1, now: () => now })
    for (let i = 0; i < 3; i++) {
      await stream.putRecords([{ partitionKey: "k", data: bytes(`${i}`) }])
      now += 1_000
    }
    expect((await stream.read(SHARD, { type: "TRIM_HORIZON" }, 1)).millisBehindLatest).toBe(2_000)
    expect((await stream.read(SHARD, { type: "TRIM_HORIZON" }, 3)).millisBehindLatest).toBe(0)
    await stream.close()
  })

  it("keeps per-key order with concurrent producers, small segments and a restart (property)", () =>
    checkAsyncProperty(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.integer({ min: 0, max: 6 }),
        async (producers, restartAfter) => {
          let stream = await open({ shardCount: 3, segmentBytes: 150 })
          const sent = new Map<string, string[]>()
          // Each producer awaits its own calls in turn; producers run concurrently.
          const produce = async (round: number) =>
            Promise.all(
              producers.map(async (calls, p) => {
                const key = `device-${p}`
                const size = calls[round]
                if (size === undefined) return
                const entries = Array.from({ length: size }, (_, i) => ({
                  partitionKey: key,
                  data: bytes(`${key}/${round}/${i}`),
                }))
                sent.set(key, [...(sent.get(key) ?? []), ...entries.map((e) => text(e.data))])
                const results = await stream.putRecords(entries)
                expect(results.every((r) => r._tag === "Put")).toBe(true)
              }),
            )
          for (let round = 0; round < 6; round++) {
            if (round === restartAfter) {
              await stream.close()
              stream = await openLocalStream({ dir: stream.dir, retentionCheckMs: 0, segmentBytes: 150 })
            }
            await produce(round)
          }
          const received = new Map<string, string[]>()
          for (const shardId of stream.shardIds)
            for (const record of await readAll(stream, shardId))
              received.set(record.partitionKey, [
                ...(received.get(record.partitionKey) ?? []),
                text(record.data),
              ])
          expect(received).toEqual(sent)
          await stream.close()
        },
      ),
      15,
    ))
})
