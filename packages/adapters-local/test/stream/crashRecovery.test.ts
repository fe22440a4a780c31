/**
 * Crash tests of the log: whatever a crash leaves at the end of the active segment — a write
 * cut at any byte, flipped bytes, garbage, whole frames of another log — recovery keeps exactly
 * the groups that were completely written (every acknowledged one), byte for byte, and cuts
 * the rest; appends then continue with the next sequence number.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { StreamRecord } from "@sluice/core"
import { checkAsyncProperty } from "@sluice/testkit"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openLocalStream } from "../../src/stream/localStream.ts"
import { recoverSegments, segmentFileName } from "../../src/stream/segment.ts"
import { sequenceNumberOf } from "../../src/stream/sequenceNumbers.ts"
import { readShard } from "../../src/stream/shardReader.ts"
import { removeDir, tempDir } from "./tempDirs.ts"

const SHARD = "shardId-000000000000"
const text = (data: Uint8Array) => new TextDecoder().decode(data)

interface Group {
  readonly records: ReadonlyArray<{ readonly key: string; readonly data: string }>
  /** File offset just past the group's last frame. */
  readonly end: number
}

/** Writes groups of records through the real stream (one putRecords call each = one group). */
const buildLog = async (dir: string, count: number) => {
  const stream = await openLocalStream({ dir: join(dir, "s"), shardCount: 1, retentionCheckMs: 0 })
  const segment = join(dir, "s", SHARD, segmentFileName(0))
  const groups: Group[] = []
  for (let g = 0; g < count; g++) {
    const records = Array.from({ length: 1 + (g % 3) }, (_, i) => ({
      key: `k${g % 2}`,
      data: `g${g}r${i}${"x".repeat(g % 4)}`,
    }))
    await stream.putRecords(
      records.map((r) => ({ partitionKey: r.key, data: new TextEncoder().encode(r.data) })),
    )
    groups.push({ records, end: statSync(segment).size })
  }
  await stream.close()
  return { bytes: readFileSync(segment), groups }
}

/** Recovers a shard directory whose only segment holds `bytes`, and reads it all. */
const recoverAndRead = async (shardDir: string, bytes: Uint8Array) => {
  const path = join(shardDir, segmentFileName(0))
  mkdirSync(shardDir, { recursive: true })
  writeFileSync(path, bytes)
  const recovered = await recoverSegments(shardDir)
  const result = await readShard(
    () => ({
      shardId: SHARD,
      segments: recovered.segments,
      nextCounter: recovered.nextCounter,
      lastArrival: recovered.segments[0]?.lastArrival ?? 0,
    }),
    { type: "TRIM_HORIZON" },
    10_000,
    1 << 30,
  )
  return { recovered, records: result.records, size: statSync(path).size }
}

const expectPrefix = (records: ReadonlyArray<StreamRecord>, groups: ReadonlyArray<Group>) => {
  const expected = groups.flatMap((g) => g.records)
  expect(records.map((r) => ({ key: r.partitionKey, data: text(r.data) }))).toEqual(expected)
  expect(records.map((r) => r.sequenceNumber)).toEqual(expected.map((_, i) => sequenceNumberOf(i)))
}

describe("stream log crash recovery", () => {
  let dir: string
  let log: Awaited<ReturnType<typeof buildLog>>
  beforeAll(async () => {
    dir = tempDir("sluice-crash-")
    log = await buildLog(dir, 12)
  })
  afterAll(() => removeDir(dir))

  it("keeps exactly the completely written groups when the segment is cut at every byte offset", async () => {
    const shardDir = join(dir, "cut")
    for (let cut = 0; cut <= log.bytes.length; cut++) {
      const { recovered, records, size } = await recoverAndRead(shardDir, log.bytes.subarray(0, cut))
      const kept = log.groups.filter((g) => g.end <= cut)
      const end = kept[kept.length - 1]?.end ?? 0
      expect({ cut, size }).toEqual({ cut, size: end })
      expect(recovered.truncatedBytes).toBe(cut - end)
      expectPrefix(records, kept)
    }
  }, 60_000)

  it("cuts at the first damaged group when bytes of the tail are flipped (property)", async () => {
    const shardDir = join(dir, "flip")
    await checkAsyncProperty(
      fc.asyncProperty(
        fc.integer({ min: 0, max: log.bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 0, max: log.bytes.length }),
        async (position, mask, extraCut) => {
          const cut = Math.max(position + 1, extraCut)
          const damaged = Buffer.from(log.bytes.subarray(0, cut))
          damaged[position] = (damaged[position] as number) ^ mask
          const { records, size } = await recoverAndRead(shardDir, damaged)
          const kept = log.groups.filter((g) => g.end <= position)
          expect(size).toBe(kept[kept.length - 1]?.end ?? 0)
          expectPrefix(records, kept)
        },
      ),
      200,
    )
  })

  it("ignores garbage and whole frames of another place in the log after the last group", async () => {
    const shardDir = join(dir, "garbage")
    const acked = log.groups[5] as Group
    await checkAsyncProperty(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (garbage) => {
        const { records, size } = await recoverAndRead(
          shardDir,
          Buffer.concat([log.bytes.subarray(0, acked.end), garbage]),
        )
        expect(size).toBe(acked.end)
        expectPrefix(records, log.groups.slice(0, 6))
      }),
      100,
    )
    // Valid frames, valid CRCs, but counters that do not follow: a stale copy, not the log.
    const later = log.bytes.subarray((log.groups[8] as Group).end, (log.groups[10] as Group).end)
    const { records } = await recoverAndRead(
      shardDir,
      Buffer.concat([log.bytes.subarray(0, acked.end), later]),
    )
    expectPrefix(records, log.groups.slice(0, 6))
  })

  it("continues after a torn tail with the next sequence number, and the cut is durable", async () => {
    const streamDir = join(tempDir("sluice-crash-reopen-"), "s")
    try {
      const first = await openLocalStream({ dir: streamDir, shardCount: 1 })
      await first.putRecords([{ partitionKey: "a", data: new TextEncoder().encode("one") }])
      await first.putRecords([{ partitionKey: "a", data: new TextEncoder().encode("two") }])
      await first.close()
      const segment = join(streamDir, SHARD, segmentFileName(0))
      const whole = readFileSync(segment)
      writeFileSync(segment, whole.subarray(0, whole.length - 3)) // "two" torn
      const second = await openLocalStream({ dir: streamDir, shardCount: 1 })
      expect(second.recovery[0]?.truncatedBytes).toBeGreaterThan(0)
      const [put] = await second.putRecords([{ partitionKey: "a", data: new TextEncoder().encode("three") }])
      expect(put).toEqual({ _tag: "Put", shardId: SHARD, sequenceNumber: sequenceNumberOf(1) })
      await second.close()
      const third = await openLocalStream({ dir: streamDir })
      expect(third.recovery[0]?.truncatedBytes).toBe(0)
      const { records } = await third.read(SHARD, { type: "TRIM_HORIZON" }, 10)
      expect(records.map((r) => text(r.data))).toEqual(["one", "three"])
      await third.close()
    } finally {
      removeDir(join(streamDir, ".."))
    }
  })

  it("refuses to open when a sealed segment is damaged, naming the file", async () => {
    const streamDir = join(tempDir("sluice-crash-sealed-"), "s")
    try {
      const stream = await openLocalStream({ dir: streamDir, shardCount: 1, segmentBytes: 50 })
      for (let i = 0; i < 4; i++) await stream.putRecords([{ partitionKey: "a", data: new Uint8Array(40) }])
      expect(stream.stats().segments).toBeGreaterThan(1)
      await stream.close()
      const sealed = join(streamDir, SHARD, segmentFileName(0))
      const bytes = readFileSync(sealed)
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1
      writeFileSync(sealed, bytes)
      await expect(openLocalStream({ dir: streamDir })).rejects.toMatchObject({
        _tag: "Fatal",
        reason: expect.stringContaining(segmentFileName(0)),
      })
    } finally {
      removeDir(join(streamDir, ".."))
    }
  })
})
