/**
 * The Stream port over the local, file-backed log: Kinesis semantics on one machine.
 *
 * Layout of a stream directory (by convention `<data-dir>/stream/<name>`, see dataDir.ts):
 *
 *     stream.json                      name and shard count, fixed at creation
 *     LOCK                             pid of the process that has it open
 *     shardId-000000000000/            one directory per shard
 *       00000000000000000000.seg       segments, named by their first record's counter
 *
 * `putRecords` routes each entry to a shard by the MD5 of its partition key (shardOfKey.ts),
 * appends each shard's part with group commit (shardLog.ts), and resolves once every part is
 * fdatasynced — the moment a broker may acknowledge. Within one call, and across calls
 * awaited in turn, a key's records keep their order. Unlike Kinesis, a call fails per shard
 * (a disk error fails that shard's entries, Retryable) and never throttles. An entry Kinesis
 * would reject (empty or over-long key, over the record limit, a bad ExplicitHashKey) fails
 * alone, as Poison; a call over the count or byte limit fails whole, as Fatal (a caller bug).
 *
 * Opening recovers every shard (segment.ts) and applies retention; retention runs again after
 * each roll and every `retentionCheckMs`. `make`/`layer` are the Effect forms (scoped: the
 * log closes with the scope); `openLocalStream` is the plain-Promise one.
 */
import { mkdir } from "node:fs/promises"
import { basename, join } from "node:path"
import {
  type BatchLimits,
  Fatal,
  kinesisPutRecords,
  Poison,
  type PutEntryResult,
  type ReadResult,
  Retryable,
  type StartPosition,
  Stream,
  type StreamEntry,
  type StreamError,
  toDeliveryError,
} from "@sluice/core"
import { Effect, Layer, type Scope } from "effect"
import { lockDirectory } from "./directoryLock.ts"
import type { FrameInput } from "./recordFrame.ts"
import { recoverSegments } from "./segment.ts"
import { sequenceNumberOf } from "./sequenceNumbers.ts"
import { type RetentionPolicy, ShardLog } from "./shardLog.ts"
import { hashKeyOf, shardIdOf, shardIndexOf } from "./shardOfKey.ts"
import { readShard } from "./shardReader.ts"
import { entryProblem, loadManifest, type Manifest } from "./streamManifest.ts"

export interface LocalStreamOptions {
  /** The stream's directory; created if missing. */
  readonly dir: string
  /** Default: the directory's name. */
  readonly name?: string
  /** Shards of a new stream (default 2); an existing stream keeps its own, and a different number is an error. */
  readonly shardCount?: number
  /** Roll segments at this size. Default 64 MiB. */
  readonly segmentBytes?: number
  /** Default: 24 hours, Kinesis's default retention period; no size bound. */
  readonly retention?: RetentionPolicy
  /** How often retention runs besides after each roll. Default 60 s; 0 = only after rolls. */
  readonly retentionCheckMs?: number
  /** PutRecords limits. Default Kinesis's (500 records, 5 MiB, 1 MiB per record). */
  readonly limits?: BatchLimits
  /** Most bytes one read returns (Kinesis GetRecords: 10 MiB). */
  readonly readMaxBytes?: number
  /** Clock for arrival timestamps and retention. Default Date.now. */
  readonly now?: () => number
  /** fdatasync before acknowledging (default true). Off only to measure what it costs. */
  readonly fsync?: boolean
}

export interface ShardRecovery {
  readonly shardId: string
  readonly truncatedBytes: number
  readonly truncatedBecause?: string
}

export interface LocalStreamStats {
  readonly groups: number
  readonly syncs: number
  readonly records: number
  readonly segments: number
}

const DEFAULT_RETENTION: RetentionPolicy = { maxAgeMs: 24 * 60 * 60 * 1000 }
/** Kinesis GetRecords returns at most 10 MiB (GetRecords API reference). */
const READ_MAX_BYTES = 10 * 1024 * 1024
const encoder = new TextEncoder()
/** Partition keys whose bytes and shard a stream remembers (then it starts over). */
const ROUTE_CACHE_KEYS = 10_000

export const openLocalStream = async (options: LocalStreamOptions) => {
  const dir = options.dir
  await mkdir(dir, { recursive: true })
  const release = await lockDirectory(dir)
  const now = options.now ?? Date.now
  const limits = options.limits ?? kinesisPutRecords
  const retention = options.retention ?? DEFAULT_RETENTION
  const readMaxBytes = options.readMaxBytes ?? READ_MAX_BYTES
  const shards: ShardLog[] = []
  const recovery: ShardRecovery[] = []
  let manifest: Manifest
  try {
    manifest = await loadManifest(dir, options.name ?? basename(dir), options.shardCount)
    for (let index = 0; index < manifest.shardCount; index++) {
      const shardId = shardIdOf(index)
      const recovered = await recoverSegments(join(dir, shardId))
      recovery.push({
        shardId,
        truncatedBytes: recovered.truncatedBytes,
        ...(recovered.truncatedBecause === undefined ? {} : { truncatedBecause: recovered.truncatedBecause }),
      })
      shards.push(
        await ShardLog.open(shardId, join(dir, shardId), recovered, {
          segmentBytes: options.segmentBytes ?? 64 * 1024 * 1024,
          groupBytes: Math.max(8 * 1024 * 1024, limits.maxBytes),
          now,
          fsync: options.fsync ?? true,
        }),
      )
    }
  } catch (error) {
    await Promise.all(shards.map((shard) => shard.close()))
    await release()
    throw error
  }
  const shardIds = shards.map((shard) => shard.shardId)
  const byId = new Map(shards.map((shard) => [shard.shardId, shard]))

  const enforceRetention = async (at: number = now()): Promise<number> => {
    let deleted = 0
    for (const shard of shards) deleted += await shard.enforceRetention(retention, at)
    return deleted
  }
  await enforceRetention()
  let segmentsSeen = shards.reduce((sum, shard) => sum + shard.segments.length, 0)
  const retentionTimer =
    (options.retentionCheckMs ?? 60_000) > 0
      ? setInterval(() => void enforceRetention().catch(() => {}), options.retentionCheckMs ?? 60_000).unref()
      : undefined

  // Partition keys repeat (a device, a topic): their bytes and shard are computed once, in a
  // bounded cache, instead of an encode, an MD5 and bigint arithmetic per entry.
  const routes = new Map<string, { readonly key: Uint8Array; readonly shard: number }>()
  const routeOf = (partitionKey: string) => {
    let route = routes.get(partitionKey)
    if (route === undefined) {
      if (routes.size >= ROUTE_CACHE_KEYS) routes.clear()
      route = {
        key: encoder.encode(partitionKey),
        shard: shardIndexOf(hashKeyOf(partitionKey), shards.length),
      }
      routes.set(partitionKey, route)
    }
    return route
  }

  const putRecords = async (entries: ReadonlyArray<StreamEntry>): Promise<ReadonlyArray<PutEntryResult>> => {
    if (entries.length > limits.maxCount)
      throw new Fatal({
        reason: `PutRecords of ${entries.length} entries, over the limit of ${limits.maxCount}`,
      })
    const results: PutEntryResult[] = new Array(entries.length)
    const parts: Array<{ inputs: FrameInput[]; positions: number[] } | undefined> = new Array(shards.length)
    let bytes = 0
    for (let position = 0; position < entries.length; position++) {
      const entry = entries[position] as StreamEntry
      const explicit = entry.explicitHashKey
      const route = explicit === undefined ? routeOf(entry.partitionKey) : undefined
      const key = route?.key ?? encoder.encode(entry.partitionKey)
      bytes += key.length + entry.data.length
      const problem = entryProblem(entry, key, limits)
      if (problem !== undefined) {
        results[position] = { _tag: "Failed", error: new Poison({ reason: problem }) }
        continue
      }
      const index = route?.shard ?? shardIndexOf(hashKeyOf(entry.partitionKey, explicit), shards.length)
      let part = parts[index]
      if (part === undefined) {
        part = { inputs: [], positions: [] }
        parts[index] = part
      }
      part.inputs.push({ key, data: entry.data })
      part.positions.push(position)
    }
    if (bytes > limits.maxBytes)
      throw new Fatal({ reason: `PutRecords of ${bytes} bytes, over the limit of ${limits.maxBytes}` })
    await Promise.all(
      parts
        .flatMap((part, index) => (part === undefined ? [] : [[shards[index] as ShardLog, part] as const]))
        .map(async ([shard, part]) => {
          try {
            const { firstCounter } = await shard.append(part.inputs)
            part.positions.forEach((position, i) => {
              results[position] = {
                _tag: "Put",
                shardId: shard.shardId,
                sequenceNumber: sequenceNumberOf(firstCounter + i),
              }
            })
          } catch (error) {
            if (error instanceof Fatal) throw error
            const failure =
              error instanceof Retryable ? error : new Retryable({ reason: String(error), cause: error })
            for (const position of part.positions) results[position] = { _tag: "Failed", error: failure }
          }
        }),
    )
    const segmentsNow = shards.reduce((sum, shard) => sum + shard.segments.length, 0)
    if (segmentsNow > segmentsSeen) {
      segmentsSeen = segmentsNow
      await enforceRetention().catch(() => {})
      segmentsSeen = shards.reduce((sum, shard) => sum + shard.segments.length, 0)
    }
    return results
  }

  const read = (shardId: string, from: StartPosition, limit: number): Promise<ReadResult> => {
    const shard = byId.get(shardId)
    if (shard === undefined)
      return Promise.reject(new Fatal({ reason: `stream ${manifest.name} has no shard ${shardId}` }))
    return readShard(
      () => ({
        shardId,
        segments: [...shard.segments],
        nextCounter: shard.nextCounter,
        lastArrival: shard.lastArrival,
      }),
      from,
      Math.max(1, Math.min(limit, 10_000)),
      readMaxBytes,
    )
  }

  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    if (retentionTimer) clearInterval(retentionTimer)
    await Promise.all(shards.map((shard) => shard.close()))
    await release()
  }

  const asStreamError = (error: unknown): StreamError => {
    const classified = toDeliveryError(error)
    return classified._tag === "Poison" ? new Fatal({ reason: classified.reason }) : classified
  }
  const service = Stream.of({
    name: manifest.name,
    limits,
    putRecords: (entries) => Effect.tryPromise({ try: () => putRecords(entries), catch: asStreamError }),
    listShards: () => Effect.succeed(shardIds),
    read: (shardId, from, limit) =>
      Effect.tryPromise({ try: () => read(shardId, from, limit), catch: asStreamError }),
  })

  return {
    name: manifest.name,
    dir,
    shardIds,
    limits,
    service,
    recovery: recovery as ReadonlyArray<ShardRecovery>,
    putRecords,
    listShards: async (): Promise<ReadonlyArray<string>> => shardIds,
    read,
    enforceRetention,
    stats: (): LocalStreamStats => ({
      groups: shards.reduce((sum, s) => sum + s.stats.groups, 0),
      syncs: shards.reduce((sum, s) => sum + s.stats.syncs, 0),
      records: shards.reduce((sum, s) => sum + s.stats.records, 0),
      segments: shards.reduce((sum, s) => sum + s.segments.length, 0),
    }),
    close,
  }
}
export type LocalStream = Awaited<ReturnType<typeof openLocalStream>>

const asOpenError = (error: unknown): Fatal | Retryable =>
  error instanceof Fatal || error instanceof Retryable
    ? error
    : new Fatal({ reason: `could not open the stream log: ${String(error)}`, cause: error })

/** Opens the log for the scope's lifetime. */
export const make = (
  options: LocalStreamOptions,
): Effect.Effect<LocalStream, Fatal | Retryable, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({ try: () => openLocalStream(options), catch: asOpenError }),
    (stream) => Effect.promise(() => stream.close()),
  )

export const layer = (options: LocalStreamOptions): Layer.Layer<Stream, Fatal | Retryable> =>
  Layer.effect(
    Stream,
    Effect.map(make(options), (stream) => stream.service),
  )
