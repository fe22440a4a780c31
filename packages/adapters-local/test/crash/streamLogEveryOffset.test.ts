/**
 * Issue 9, crash consistency of the stream log, at every byte offset of the last segment of a
 * log that has rolled over (sealed segments before it): the segment cut there, one byte of it
 * flipped there, or everything from there on zeroed (the tail a filesystem may leave after a
 * power cut). Recovery must yield exactly the groups written whole before the damage — every
 * record of the sealed segments included, byte for byte, with gap-free sequence numbers, never
 * a record that was not written — and appends must continue right after them, durably.
 *
 * stream/crashRecovery.test.ts covers one segment (cuts at every offset, random flips,
 * garbage); this adds the rolled-over log, every offset for flips and zeroed tails, and the
 * public API's append-and-reopen after each kind of damage.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { openLocalStream } from "../../src/stream/localStream.ts"
import { recoverSegments, segmentFileName } from "../../src/stream/segment.ts"
import { sequenceNumberOf } from "../../src/stream/sequenceNumbers.ts"
import { readShard } from "../../src/stream/shardReader.ts"
import { removeDir, tempDir } from "../stream/tempDirs.ts"

const SHARD = "shardId-000000000000"
const encoder = new TextEncoder()
const decoder = new TextDecoder()

interface Group {
  readonly records: ReadonlyArray<string>
  /** The segment file holding the group, and the offset just past it there. */
  readonly segment: string
  readonly end: number
}

type Damage = "cut" | "flip" | "zero"

const damaged = (bytes: Buffer, offset: number, damage: Damage): Buffer => {
  if (damage === "cut") return bytes.subarray(0, offset)
  const copy = Buffer.from(bytes)
  if (damage === "flip") copy[offset] = (copy[offset] as number) ^ 0xff
  else copy.fill(0, offset)
  return copy
}

/** A rolled-over log written through the real stream: groups of 1–3 records, 300-byte segments. */
const buildLog = async (dir: string) => {
  const stream = await openLocalStream({ dir, shardCount: 1, segmentBytes: 300, retentionCheckMs: 0 })
  const groups: Group[] = []
  for (let g = 0; g < 24; g++) {
    const records = Array.from({ length: 1 + (g % 3) }, (_, i) => `g${g}r${i}:${"x".repeat((g * 7) % 13)}`)
    const results = await stream.putRecords(
      records.map((data) => ({ partitionKey: `k${g % 2}`, data: encoder.encode(data) })),
    )
    expect(results.every((r) => r._tag === "Put")).toBe(true)
    const segments = readdirSync(join(dir, SHARD))
      .filter((name) => name.endsWith(".seg"))
      .sort()
    const segment = segments.at(-1) as string
    groups.push({ records, segment, end: statSync(join(dir, SHARD, segment)).size })
  }
  await stream.close()
  return groups
}

describe("stream log: damage at every offset of the last segment of a rolled-over log", () => {
  const root = tempDir("sluice-crash-every-")
  const source = join(root, "source")
  let groups: Group[] = []
  let last = ""
  let sealed: Group[] = []
  let lastBytes = Buffer.alloc(0)

  const prepare = async () => {
    if (groups.length > 0) return
    groups = await buildLog(source)
    last = (groups.at(-1) as Group).segment
    sealed = groups.filter((g) => g.segment !== last)
    lastBytes = readFileSync(join(source, SHARD, last))
    expect(sealed.length).toBeGreaterThan(0)
    expect(last).not.toBe(segmentFileName(0))
  }

  /** Expected records after damage at `offset` of the last segment. */
  const keptAt = (offset: number) => [
    ...sealed.flatMap((g) => g.records),
    ...groups.filter((g) => g.segment === last && g.end <= offset).flatMap((g) => g.records),
  ]

  /** A copy of the log with the last segment replaced by `bytes`. */
  const copyWith = (dir: string, bytes: Buffer) => {
    removeDir(dir)
    mkdirSync(join(dir, SHARD), { recursive: true })
    for (const name of readdirSync(join(source, SHARD)))
      if (name !== last) copyFileSync(join(source, SHARD, name), join(dir, SHARD, name))
    for (const name of readdirSync(source))
      if (name !== SHARD) copyFileSync(join(source, name), join(dir, name))
    writeFileSync(join(dir, SHARD, last), bytes)
  }

  it.each(["cut", "flip", "zero"] as const)(
    "recovers exactly the whole groups before the damage (%s), at every offset",
    async (damage) => {
      await prepare()
      const shardDir = join(root, `recover-${damage}`, SHARD)
      copyWith(join(root, `recover-${damage}`), lastBytes)
      for (let offset = 0; offset < lastBytes.length; offset++) {
        writeFileSync(join(shardDir, last), damaged(lastBytes, offset, damage))
        const recovered = await recoverSegments(shardDir)
        const read = await readShard(
          () => ({
            shardId: SHARD,
            segments: recovered.segments,
            nextCounter: recovered.nextCounter,
            lastArrival: recovered.segments.at(-1)?.lastArrival ?? 0,
          }),
          { type: "TRIM_HORIZON" },
          10_000,
          1 << 30,
        )
        const expected = keptAt(offset)
        expect({ offset, records: read.records.map((r) => decoder.decode(r.data)) }).toEqual({
          offset,
          records: expected,
        })
        expect(read.records.map((r) => r.sequenceNumber)).toEqual(expected.map((_, i) => sequenceNumberOf(i)))
        expect(recovered.nextCounter).toBe(expected.length)
      }
    },
    60_000,
  )

  it.each(["cut", "flip", "zero"] as const)(
    "continues appending after the recovered prefix, and the cut is durable (%s)",
    async (damage) => {
      await prepare()
      for (let offset = 0; offset < lastBytes.length; offset += 17) {
        const dir = join(root, `reopen-${damage}`)
        copyWith(dir, damaged(lastBytes, offset, damage))
        const expected = keptAt(offset)
        const first = await openLocalStream({ dir, retentionCheckMs: 0 })
        const [put] = await first.putRecords([
          { partitionKey: "k0", data: encoder.encode("after the crash") },
        ])
        expect(put).toEqual({
          _tag: "Put",
          shardId: SHARD,
          sequenceNumber: sequenceNumberOf(expected.length),
        })
        await first.close()
        const second = await openLocalStream({ dir, retentionCheckMs: 0 })
        expect(second.recovery[0]?.truncatedBytes).toBe(0)
        const { records } = await second.read(SHARD, { type: "TRIM_HORIZON" }, 10_000)
        expect(records.map((r) => decoder.decode(r.data))).toEqual([...expected, "after the crash"])
        await second.close()
      }
    },
    60_000,
  )

  it("cleans up", () => removeDir(root))
})
