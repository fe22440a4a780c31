/**
 * One shard of the local log: appends with group commit, reads, retention.
 *
 * Group commit: `append` queues its records and the shard's single writer takes everything
 * queued, writes it as one buffer at the end of the active segment, fdatasyncs, and only then
 * resolves every caller in the group. While one group syncs the next one gathers, so many
 * concurrent producers share each fsync; a lone producer pays one fsync per call.
 *
 *     producer A  append ─┐                       ┌─ resolved (durable)
 *     producer B  append ─┴ group 1: write+sync ──┤
 *     producer C      append ─┐                   └─ resolved
 *     producer D      append ─┴──── waits ───────── group 2: write+sync ── resolved
 *
 * Nobody is told "durable" before the sync returns, and readers see a group only after it —
 * so a broker may PUBACK on resolve, and a consumer never reads a record a crash could undo.
 * If a write or sync fails, the group's bytes are cut off again (a later, shorter group must
 * not leave stale whole frames behind it that recovery would take for records) and every
 * caller gets Retryable; if even the cut fails, the shard refuses appends until reopened.
 *
 * Arrival timestamps never go backwards within a shard (a clock step back is clamped), which
 * keeps AT_TIMESTAMP reads and retention by age simple.
 */
import { fdatasync, writeSync } from "node:fs"
import { type FileHandle, open, unlink } from "node:fs/promises"
import { promisify } from "node:util"
import { Fatal, Retryable } from "@sluice/core"
import { syncDirectory } from "./durableFiles.ts"
import { encodeFrames, type FrameInput, frameSize } from "./recordFrame.ts"
import { emptySegment, noteRecord, type RecoveredShard, type Segment } from "./segment.ts"
import { MAX_COUNTER } from "./sequenceNumbers.ts"

// The callback form: cheaper to dispatch than FileHandle's promise, once per group.
const fdatasyncAsync = promisify(fdatasync)

export interface ShardLogOptions {
  /** Roll to a new segment once the active one holds this many bytes. */
  readonly segmentBytes: number
  /** Most bytes written in one group (bounds memory under a burst). */
  readonly groupBytes: number
  readonly now: () => number
  /** fdatasync before acknowledging. Turn off only to measure what fsync costs. */
  readonly fsync: boolean
}

export interface RetentionPolicy {
  /** Delete sealed segments whose newest record is older than this. */
  readonly maxAgeMs?: number
  /** Delete the oldest sealed segments while the shard is larger than this. */
  readonly maxBytes?: number
}

export interface Appended {
  readonly firstCounter: number
  readonly arrival: number
}

interface Waiter {
  readonly inputs: ReadonlyArray<FrameInput>
  readonly bytes: number
  readonly resolve: (appended: Appended) => void
  readonly reject: (error: Retryable | Fatal) => void
}

export interface ShardLogStats {
  groups: number
  syncs: number
  records: number
}

export class ShardLog {
  /** Counter of the next record; records below it are committed. */
  nextCounter: number
  lastArrival: number
  readonly stats: ShardLogStats = { groups: 0, syncs: 0, records: 0 }
  private queue: Waiter[] = []
  private writing: Promise<void> | undefined
  private broken: Fatal | undefined
  private closed = false

  private constructor(
    readonly shardId: string,
    readonly dir: string,
    readonly segments: Segment[],
    private active: FileHandle,
    recovered: RecoveredShard,
    private readonly options: ShardLogOptions,
  ) {
    this.nextCounter = recovered.nextCounter
    this.lastArrival = segments.reduce((last, s) => Math.max(last, s.lastArrival ?? 0), 0)
  }

  static async open(
    shardId: string,
    dir: string,
    recovered: RecoveredShard,
    options: ShardLogOptions,
  ): Promise<ShardLog> {
    const last = recovered.segments[recovered.segments.length - 1] as Segment
    // r+, never a: positioned writes on an O_APPEND descriptor ignore the position on Linux.
    const handle = await open(last.path, "r+")
    return new ShardLog(shardId, dir, recovered.segments, handle, recovered, options)
  }

  /** Appends records durably; resolves with the first one's counter once they are synced. */
  append(inputs: ReadonlyArray<FrameInput>): Promise<Appended> {
    if (this.closed) return Promise.reject(new Fatal({ reason: `stream shard ${this.shardId} is closed` }))
    if (this.broken) return Promise.reject(this.broken)
    let bytes = 0
    for (const input of inputs) bytes += frameSize(input.key.length, input.data.length)
    return new Promise<Appended>((resolve, reject) => {
      this.queue.push({ inputs, bytes, resolve, reject })
      if (this.writing === undefined) this.writing = this.drain()
    })
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let take = 1
        let bytes = (this.queue[0] as Waiter).bytes
        while (
          take < this.queue.length &&
          bytes + (this.queue[take] as Waiter).bytes <= this.options.groupBytes
        )
          bytes += (this.queue[take++] as Waiter).bytes
        await this.writeGroup(this.queue.splice(0, take))
      }
    } finally {
      this.writing = undefined
    }
  }

  private async writeGroup(group: ReadonlyArray<Waiter>): Promise<void> {
    const fail = (error: Retryable | Fatal) => {
      for (const waiter of group) waiter.reject(error)
    }
    if (this.broken) return fail(this.broken)
    const inputs = group.length === 1 ? (group[0] as Waiter).inputs : group.flatMap((w) => w.inputs)
    const first = this.nextCounter
    if (first + inputs.length - 1 > MAX_COUNTER)
      return fail(new Fatal({ reason: `stream shard ${this.shardId} is full (2^48 records)` }))
    let segment = this.segments[this.segments.length - 1] as Segment
    try {
      if (segment.count > 0 && segment.bytes >= this.options.segmentBytes) segment = await this.roll()
    } catch (error) {
      return fail(new Retryable({ reason: `could not start a new segment: ${String(error)}`, cause: error }))
    }
    const arrival = Math.max(this.options.now(), this.lastArrival)
    const buffer = encodeFrames(inputs, first, arrival)
    const position = segment.bytes
    try {
      // The write only copies into the page cache: done on the loop, it costs microseconds,
      // where a threadpool round trip costs a wake-up and a queue slot behind other fsyncs. The
      // fdatasync, which waits for the disk, stays on the threadpool.
      let written = 0
      while (written < buffer.length)
        written += writeSync(this.active.fd, buffer, written, buffer.length - written, position + written)
      if (this.options.fsync) {
        await fdatasyncAsync(this.active.fd)
        this.stats.syncs++
      }
    } catch (error) {
      await this.cutBack(position, error)
      return fail(new Retryable({ reason: `stream log write failed: ${String(error)}`, cause: error }))
    }
    let offset = position
    for (const input of inputs) {
      noteRecord(segment, offset, arrival)
      offset += frameSize(input.key.length, input.data.length)
    }
    segment.bytes = offset
    this.nextCounter = first + inputs.length
    this.lastArrival = arrival
    this.stats.groups++
    this.stats.records += inputs.length
    let counter = first
    for (const waiter of group) {
      waiter.resolve({ firstCounter: counter, arrival })
      counter += waiter.inputs.length
    }
  }

  /** Removes the bytes of a failed group; if that fails too, the shard stops taking appends. */
  private async cutBack(position: number, cause: unknown): Promise<void> {
    try {
      await this.active.truncate(position)
      if (this.options.fsync) await this.active.datasync()
    } catch (error) {
      this.broken = new Fatal({
        reason: `stream shard ${this.shardId} could not undo a failed write (${String(cause)}; then ${String(error)}): reopen the log to recover`,
        cause: error,
      })
    }
  }

  /** Seals the active segment and starts a new one named by the next counter. */
  private async roll(): Promise<Segment> {
    const segment = emptySegment(this.dir, this.nextCounter)
    const handle = await open(segment.path, "wx+")
    try {
      await syncDirectory(this.dir)
    } catch (error) {
      await handle.close()
      throw error
    }
    const previous = this.active
    this.active = handle
    this.segments.push(segment)
    await previous.close()
    return segment
  }

  /** Deletes whole sealed segments past the policy; returns how many. The active one stays. */
  async enforceRetention(policy: RetentionPolicy, now: number): Promise<number> {
    let deleted = 0
    while (this.segments.length > 1) {
      const oldest = this.segments[0] as Segment
      const total = this.segments.reduce((sum, s) => sum + s.bytes, 0)
      const tooOld = policy.maxAgeMs !== undefined && (oldest.lastArrival ?? 0) < now - policy.maxAgeMs
      const tooBig = policy.maxBytes !== undefined && total > policy.maxBytes
      if (!tooOld && !tooBig) break
      // Out of the list first: a read that starts now begins at the next segment; a read that
      // already opened the file keeps reading it (POSIX keeps unlinked files open).
      this.segments.shift()
      await unlink(oldest.path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error
      })
      deleted++
    }
    return deleted
  }

  /** Waits for the queued groups, then closes the active segment. Later appends fail. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    while (this.writing !== undefined) await this.writing
    await this.active.close()
  }
}
