/**
 * Segments: a shard's log is a run of files `<first counter, 20 digits>.seg`, the last one
 * active (appended to), the others sealed and read-only until retention deletes them whole.
 *
 * In memory each segment keeps a summary — record count, committed bytes, first and last
 * arrival — and a sparse index (the byte offset and arrival of every 64th record), so a read
 * seeks near its first record and scans at most 63 frames to reach it. Only committed bytes
 * are ever summarised: readers see a group only after its fdatasync.
 *
 * `recoverSegments` opens a shard directory after any kind of stop. The active segment may end
 * in a torn group (a crash between write and fdatasync): it is cut back to the last COMMIT
 * frame and synced, before anything else touches the file. A sealed segment was fully synced
 * before the next one was created, so damage there is not a torn tail but lost acknowledged
 * data: recovery refuses to guess and fails with the file and offset, for a person to look at.
 */
import { mkdir, open, readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { Fatal } from "@sluice/core"
import { syncDirectory } from "./durableFiles.ts"
import { type Frame, scanFrames } from "./recordFrame.ts"

export const INDEX_EVERY = 64
const NAME = /^(\d{20})\.seg$/

export interface Segment {
  readonly base: number
  readonly path: string
  count: number
  bytes: number
  firstArrival: number | undefined
  lastArrival: number | undefined
  /** Byte offset of record `base + k·INDEX_EVERY` at position k. */
  readonly index: number[]
  /** Arrival of the same records. */
  readonly indexArrival: number[]
}

export const segmentFileName = (base: number): string => `${String(base).padStart(20, "0")}.seg`

export const emptySegment = (dir: string, base: number): Segment => ({
  base,
  path: join(dir, segmentFileName(base)),
  count: 0,
  bytes: 0,
  firstArrival: undefined,
  lastArrival: undefined,
  index: [],
  indexArrival: [],
})

/** Adds one committed record (at `offset`, arriving at `arrival`) to the segment's summary. */
export const noteRecord = (segment: Segment, offset: number, arrival: number): void => {
  if (segment.count % INDEX_EVERY === 0) {
    segment.index.push(offset)
    segment.indexArrival.push(arrival)
  }
  if (segment.count === 0) segment.firstArrival = arrival
  segment.lastArrival = arrival
  segment.count++
}

export interface RecoveredShard {
  /** Oldest first; the last is the active segment. */
  readonly segments: Segment[]
  readonly nextCounter: number
  /** Bytes cut from the active segment's torn tail (0 after a clean stop). */
  readonly truncatedBytes: number
  /** Why the tail was cut, when it was. */
  readonly truncatedBecause?: string
}

/** Opens (creating if needed) a shard directory and recovers its segments. */
export const recoverSegments = async (dir: string): Promise<RecoveredShard> => {
  await mkdir(dir, { recursive: true })
  const bases = (await readdir(dir))
    .map((name) => NAME.exec(name)?.[1])
    .filter((base) => base !== undefined)
    .map(Number)
    .sort((a, b) => a - b)
  if (bases.length === 0) {
    const segment = emptySegment(dir, 0)
    await (await open(segment.path, "wx")).close()
    await syncDirectory(dir)
    return { segments: [segment], nextCounter: 0, truncatedBytes: 0 }
  }
  const segments: Segment[] = []
  let nextCounter = bases[0] as number
  for (const [i, base] of bases.entries()) {
    const segment = emptySegment(dir, base)
    if (base !== nextCounter)
      throw new Fatal({
        reason: `stream log ${segment.path} starts at record ${base}, but the segment before it ends at ${nextCounter}`,
      })
    const bytes = await readFile(segment.path)
    const scan = scanFrames(bytes, 0, base, (frame: Frame) =>
      noteRecord(segment, frame.offset, frame.arrival),
    )
    segment.bytes = scan.committedEnd
    nextCounter = scan.nextCounter
    segments.push(segment)
    const last = i === bases.length - 1
    if (scan.committedEnd === bytes.length) continue
    if (!last)
      throw new Fatal({
        reason: `stream log ${segment.path} is damaged at byte ${scan.committedEnd} (${scan.stoppedBecause}); it is not the active segment, so acknowledged records would be lost — move it aside to continue`,
      })
    // The active segment's torn tail: cut it and make the cut durable before any new append.
    const handle = await open(segment.path, "r+")
    try {
      await handle.truncate(scan.committedEnd)
      await handle.datasync()
    } finally {
      await handle.close()
    }
    return {
      segments,
      nextCounter,
      truncatedBytes: bytes.length - scan.committedEnd,
      ...(scan.stoppedBecause === undefined ? {} : { truncatedBecause: scan.stoppedBecause }),
    }
  }
  return { segments, nextCounter, truncatedBytes: 0 }
}
