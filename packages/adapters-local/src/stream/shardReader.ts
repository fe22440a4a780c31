/**
 * Reads of one shard: from a start position, up to `limit` records and a byte budget, across
 * segments, only ever within committed bytes.
 *
 * A read resolves its position to a record counter (and, for AT_TIMESTAMP, a minimum arrival),
 * seeks with the segment's sparse index and scans forward. A position before the oldest
 * retained record starts at the oldest (the rest were deleted by retention, as Kinesis trims
 * past its retention period); one past the tip returns nothing. If retention deletes a segment
 * between locating and opening it, the read starts over from the new oldest record.
 *
 * `next` is AFTER_SEQUENCE_NUMBER of the last record returned; with nothing returned it is the
 * position given — except LATEST, which is pinned to the tip as it is now
 * (AT_SEQUENCE_NUMBER of the next record), so records put after the read are not skipped.
 */
import { closeSync, openSync, readSync } from "node:fs"
import { Fatal, type ReadResult, type StartPosition, type StreamRecord } from "@sluice/core"
import { frameAt } from "./recordFrame.ts"
import { INDEX_EVERY, type Segment } from "./segment.ts"
import { counterOf, sequenceNumberOf } from "./sequenceNumbers.ts"

/** What a read needs of a shard; a snapshot taken when the read starts. */
export interface ShardView {
  readonly shardId: string
  readonly segments: ReadonlyArray<Segment>
  readonly nextCounter: number
  readonly lastArrival: number
}

const CHUNK_BYTES = 1024 * 1024

const counterIn = (shardId: string, sequenceNumber: string): number => {
  const counter = counterOf(sequenceNumber)
  if (counter === undefined)
    throw new Fatal({ reason: `"${sequenceNumber}" is not a sequence number of shard ${shardId}` })
  return counter
}

/** The first counter and minimum arrival a position asks for. */
const startOf = (view: ShardView, from: StartPosition): { counter: number; minArrival: number } => {
  switch (from.type) {
    case "TRIM_HORIZON":
      return { counter: 0, minArrival: -Infinity }
    case "LATEST":
      return { counter: view.nextCounter, minArrival: -Infinity }
    case "AT_SEQUENCE_NUMBER":
      return { counter: counterIn(view.shardId, from.sequenceNumber), minArrival: -Infinity }
    case "AFTER_SEQUENCE_NUMBER":
      return { counter: counterIn(view.shardId, from.sequenceNumber) + 1, minArrival: -Infinity }
    case "AT_TIMESTAMP": {
      // Arrivals never decrease within a shard: start at the index point just before the time.
      const segment = view.segments.find((s) => s.count > 0 && (s.lastArrival as number) >= from.timestamp)
      if (segment === undefined) return { counter: view.nextCounter, minArrival: from.timestamp }
      let k = 0
      while (k + 1 < segment.indexArrival.length && (segment.indexArrival[k + 1] as number) < from.timestamp)
        k++
      return { counter: segment.base + k * INDEX_EVERY, minArrival: from.timestamp }
    }
  }
}

const segmentOf = (segments: ReadonlyArray<Segment>, counter: number): Segment | undefined => {
  let low = 0
  let high = segments.length - 1
  let found: Segment | undefined
  while (low <= high) {
    const mid = (low + high) >> 1
    const segment = segments[mid] as Segment
    if (segment.base <= counter) {
      found = segment
      low = mid + 1
    } else high = mid - 1
  }
  return found !== undefined && counter < found.base + found.count ? found : undefined
}

/**
 * Reads records of one segment from `counter`; appends to `out`; returns false if the file is
 * gone. Synchronous: committed bytes were just written and sit in the page cache, and a read
 * takes only the bytes the budget needs (the sparse index bounds them), so a read costs a few
 * copies — far less than three threadpool round trips (open, read, close) queued behind the
 * log's fsyncs. Open, read and close in one go also means retention cannot delete the file
 * half-way through a read.
 */
const readSegment = (
  view: ShardView,
  segment: Segment,
  start: { counter: number; minArrival: number },
  out: StreamRecord[],
  budget: { records: number; bytes: number },
): boolean => {
  const count = segment.count
  const end = segment.bytes
  let fd: number
  try {
    fd = openSync(segment.path, "r")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false
    throw error
  }
  try {
    let offset = segment.index[Math.floor((start.counter - segment.base) / INDEX_EVERY)] as number
    // The index point past the last record the budget allows bounds the bytes to read.
    const lastIndex = Math.ceil((start.counter + budget.records - segment.base) / INDEX_EVERY)
    const needed = lastIndex < segment.index.length ? (segment.index[lastIndex] as number) : end
    let chunkBytes = Math.min(CHUNK_BYTES, Math.max(needed - offset, 1))
    while (offset < end && budget.records > 0 && budget.bytes > 0) {
      const length = Math.min(chunkBytes, end - offset)
      const chunk = Buffer.allocUnsafe(length)
      const bytesRead = readSync(fd, chunk, 0, length, offset)
      let position = 0
      while (position < bytesRead && budget.records > 0 && budget.bytes > 0) {
        const at = frameAt(chunk, position, bytesRead)
        if (at.kind === "incomplete") {
          // A frame larger than the chunk: read again from it with room for the whole frame.
          if (position === 0) {
            if (length === end - offset)
              throw new Fatal({ reason: `stream log ${segment.path} ends inside a committed frame` })
            chunkBytes = Math.max(chunkBytes * 2, at.size ?? 0)
          }
          break
        }
        if (at.kind === "invalid")
          throw new Fatal({
            reason: `stream log ${segment.path} is damaged at byte ${offset + position}: ${at.reason}`,
          })
        const frame = at.frame
        position += frame.size
        if (frame.counter < start.counter || frame.arrival < start.minArrival) continue
        if (frame.counter >= segment.base + count) break
        out.push({
          shardId: view.shardId,
          sequenceNumber: sequenceNumberOf(frame.counter),
          partitionKey: chunk.toString("utf8", frame.keyStart, frame.keyStart + frame.keyLength),
          // A view, not a copy: the chunk holds only what this read returns.
          data: new Uint8Array(
            chunk.buffer,
            chunk.byteOffset + frame.dataStart,
            frame.dataEnd - frame.dataStart,
          ),
          approximateArrivalTimestamp: frame.arrival,
        })
        budget.records--
        budget.bytes -= frame.size
      }
      offset += position
    }
  } finally {
    closeSync(fd)
  }
  return true
}

/** Reads up to `limit` committed records (and about `maxBytes`) from a position. */
export const readShard = async (
  currentView: () => ShardView,
  from: StartPosition,
  limit: number,
  maxBytes: number,
): Promise<ReadResult> => {
  for (;;) {
    const view = currentView()
    const records: StreamRecord[] = []
    const start = startOf(view, from)
    const oldest = view.segments[0]?.base ?? view.nextCounter
    if (start.counter < oldest) start.counter = oldest
    const budget = { records: limit, bytes: maxBytes }
    let complete = true
    while (budget.records > 0 && budget.bytes > 0 && start.counter < view.nextCounter) {
      const segment = segmentOf(view.segments, start.counter)
      if (segment === undefined) break
      if (!readSegment(view, segment, start, records, budget)) {
        complete = false
        break
      }
      start.counter = segment.base + segment.count
    }
    if (!complete) continue // retention deleted a segment under us: start over from the oldest
    const last = records[records.length - 1]
    const next: StartPosition =
      last !== undefined
        ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: last.sequenceNumber }
        : from.type === "LATEST"
          ? { type: "AT_SEQUENCE_NUMBER", sequenceNumber: sequenceNumberOf(view.nextCounter) }
          : from
    const caughtUp = last === undefined || counterOf(last.sequenceNumber) === view.nextCounter - 1
    return {
      records,
      next,
      millisBehindLatest: caughtUp ? 0 : Math.max(0, view.lastArrival - last.approximateArrivalTimestamp),
    }
  }
}
