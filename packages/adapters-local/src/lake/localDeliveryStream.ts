/**
 * The local delivery stream: Firehose → S3 on one machine, over any ObjectStore.
 *
 * `putRecordBatch` numbers the records, runs the transform (transformStep.ts), buffers the
 * results per partition under the size/interval hints (deliveryBuffers.ts) and writes every
 * buffer that is due as one GZIP object, atomically (the ObjectStore's promise). A background
 * ticker, on Effect's Clock (so TestClock drives it in tests), writes buffers whose interval
 * has passed; `flush` writes everything; closing the layer's scope drains the buffers.
 *
 * Guarantee (decision 0603): an object is whole or absent, never partial. Accepted records live
 * in memory until their object is written — a crash loses them — so the stream reports
 * durability (`LakeProgress.durableCount`) and its feeder checkpoints only durable records:
 * end to end, every record of the durable source reaches the lake at least once; a crash
 * between writing an object and checkpointing repeats its records.
 *
 * Writes are retried under the retry policy; an object that still cannot be written is kept and
 * written before anything else, and until it is, `putRecordBatch` and `flush` fail with its
 * error (back-pressure instead of unbounded memory). Calls are serialised.
 */
import { randomBytes } from "node:crypto"
import { promisify } from "node:util"
import { gzip } from "node:zlib"
import {
  type BufferHints,
  DEFAULT_ERROR_OUTPUT_PREFIX,
  DEFAULT_LAKE_PREFIX,
  DeliveryStream,
  type DeliveryStreamError,
  defaultRetryPolicy,
  Fatal,
  firehosePutRecordBatch,
  ObjectStore,
  type ObjectStoreError,
  Poison,
  type PutRecordResult,
  parsePrefix,
  Retryable,
  type RetryPolicy,
  uuidFromBytes,
  withRetry,
} from "@sluice/core"
import { Clock, Context, Effect, Layer, Result, Semaphore } from "effect"
import { type DeliveryBuffers, type LakeObject, makeDeliveryBuffers } from "./deliveryBuffers.ts"
import { makeDurableWatermark } from "./durableWatermark.ts"
import { LakeProgress, type LakeStats } from "./lakeProgress.ts"
import { type IncomingRecord, type LakeTransform, runTransform } from "./transformStep.ts"

export interface LocalDeliveryStreamOptions {
  /** Default `sluice-lake`; it starts every object's name. */
  readonly name?: string
  /** Firehose's stream version in object names. Default 1. */
  readonly version?: number
  readonly prefix?: string
  readonly errorOutputPrefix?: string
  /** Default 5 MiB / 60 s (the hands-on's). Firehose allows 1–128 MiB and 0–900 s; any positive size works here. */
  readonly bufferHints?: BufferHints
  /** Default: the built-in transform (`{ kind: "builtin" }`). */
  readonly transform?: LakeTransform
  /** Seeds object names and random strings; default: random. Use a different seed per run. */
  readonly seed?: number
  readonly retryPolicy?: RetryPolicy
  readonly lambdaArn?: string
  /** Run the interval ticker in the layer's scope. Default true. */
  readonly ticker?: boolean
}

export const LOCAL_DEFAULT_HINTS: BufferHints = { sizeBytes: 5 * 1024 * 1024, intervalMs: 60_000 }
const LOCAL_LAMBDA_ARN = "arn:aws:lambda:local:000000000000:function:sluice-firehose-transform"
const IDLE_POLL_MS = 1_000
const NAME_COLLISION_ATTEMPTS = 5

/** mulberry32: small, seedable, good enough for names. */
const seeded = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const gzipAsync = promisify(gzip)

const bodyOf = (object: LakeObject): Buffer => {
  if (object.pieces.every((piece) => typeof piece === "string"))
    return Buffer.from(object.pieces.join(""), "utf8")
  return Buffer.concat(
    object.pieces.map((piece) => (typeof piece === "string" ? Buffer.from(piece, "utf8") : piece)),
  )
}

export type LocalDeliveryStream = DeliveryStream["Service"] &
  LakeProgress["Service"] & {
    /** When the earliest buffer's interval ends; undefined when nothing is buffered. */
    readonly nextDeadline: () => number | undefined
  }

export const make = (
  options: LocalDeliveryStreamOptions = {},
): Effect.Effect<LocalDeliveryStream, DeliveryStreamError, ObjectStore> =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const name = options.name ?? "sluice-lake"
    const prefix = parsePrefix(options.prefix ?? DEFAULT_LAKE_PREFIX, { forErrors: false })
    const errorPrefix = parsePrefix(options.errorOutputPrefix ?? DEFAULT_ERROR_OUTPUT_PREFIX, {
      forErrors: true,
    })
    if (Result.isFailure(prefix)) return yield* new Fatal({ reason: prefix.failure })
    if (Result.isFailure(errorPrefix)) return yield* new Fatal({ reason: errorPrefix.failure })
    const transform = options.transform ?? { kind: "builtin" }
    if (transform.kind === "none" && prefix.success.partitionKeys.length > 0) {
      return yield* new Fatal({
        reason: "a prefix with partitionKeyFromLambda needs a transform that returns partition keys",
      })
    }
    const random = seeded(options.seed ?? randomBytes(4).readUInt32LE(0))
    const hints = options.bufferHints ?? LOCAL_DEFAULT_HINTS
    const buffers: DeliveryBuffers = makeDeliveryBuffers({
      streamName: name,
      version: options.version ?? 1,
      prefix: prefix.success,
      errorPrefix: errorPrefix.success,
      hints,
      lambdaArn: options.lambdaArn ?? LOCAL_LAMBDA_ARN,
      random,
    })
    const streamArn = `arn:aws:firehose:local:000000000000:deliverystream/${name}`
    const watermark = makeDurableWatermark()
    const lock = Semaphore.makeUnsafe(1)
    const policy = options.retryPolicy ?? defaultRetryPolicy
    const unwritten: LakeObject[] = []
    const counts = { accepted: 0, dropped: 0, failed: 0, deliveredRecords: 0, deliveredReadings: 0 }
    const written = { objects: 0, errorObjects: 0, bytes: 0 }

    /** The key, with a fresh UUID if an object already has it (a reused seed must never overwrite data). */
    const freeKey = (key: string): Effect.Effect<string, ObjectStoreError> =>
      Effect.gen(function* () {
        let candidate = key
        for (let attempt = 0; attempt < NAME_COLLISION_ATTEMPTS; attempt++) {
          const existing = yield* store.list(candidate)
          if (!existing.some((info) => info.key === candidate)) return candidate
          const uuid = uuidFromBytes(Uint8Array.from({ length: 16 }, () => Math.floor(random() * 256)))
          candidate = `${key.slice(0, key.length - ".gz".length - 36)}${uuid}.gz`
        }
        return yield* new Retryable({ reason: `no free object name near ${key}` })
      })

    const writeObject = (object: LakeObject) =>
      Effect.gen(function* () {
        const body = yield* Effect.promise(() => gzipAsync(bodyOf(object)))
        const key = yield* freeKey(object.key)
        yield* store.put(key, body, { contentType: "application/x-ndjson", contentEncoding: "gzip" })
        watermark.settle(object.tickets)
        if (object.kind === "data") {
          written.objects++
          counts.deliveredRecords += object.tickets.length
          counts.deliveredReadings += object.readings
        } else {
          written.errorObjects++
          counts.failed += object.tickets.length
        }
        written.bytes += body.byteLength
      }).pipe(withRetry(policy))

    /** Writes every unwritten object in order; stops at the first that cannot be written. */
    const writeUnwritten: Effect.Effect<void, DeliveryStreamError> = Effect.gen(function* () {
      while (unwritten.length > 0) {
        const object = unwritten[0] as LakeObject
        const result = yield* Effect.result(writeObject(object))
        if (Result.isFailure(result)) {
          const error = result.failure
          // A key the store refuses cannot be retried into existence: the stream is misconfigured.
          return yield* error._tag === "Poison" ? new Fatal({ reason: error.reason }) : Effect.fail(error)
        }
        unwritten.shift()
      }
    })

    const write = (objects: ReadonlyArray<LakeObject>) =>
      Effect.suspend(() => {
        unwritten.push(...objects)
        return writeUnwritten
      })

    const putRecordBatch = (records: ReadonlyArray<Uint8Array>) =>
      lock.withPermit(
        Effect.gen(function* () {
          yield* writeUnwritten
          const now = yield* Clock.currentTimeMillis
          const results: PutRecordResult[] = []
          const incoming: IncomingRecord[] = []
          const sizable = records.filter(
            (record) => record.byteLength <= firehosePutRecordBatch.maxRecordBytes,
          )
          let ticket = watermark.issue(sizable.length)
          for (const data of records) {
            if (data.byteLength > firehosePutRecordBatch.maxRecordBytes) {
              const reason = `record is ${data.byteLength} bytes, over the ${firehosePutRecordBatch.maxRecordBytes}-byte limit per record`
              results.push({ _tag: "Failed", error: new Poison({ reason }) })
              continue
            }
            incoming.push({ ticket, data, arrivalMs: now })
            results.push({ _tag: "Accepted", recordId: String(ticket) })
            ticket++
          }
          counts.accepted += incoming.length
          const outcomes = yield* runTransform(transform, incoming, streamArn)
          const { objects, settled } = buffers.accept(outcomes, now)
          counts.dropped += settled.length
          watermark.settle(settled)
          // The records are accepted either way; an object that could not be written is kept
          // and blocks the next call until it is.
          yield* write(objects).pipe(
            Effect.catch((error) => Effect.logWarning(`lake write failed: ${error.reason}`)),
          )
          return results
        }),
      )

    const tick = () =>
      lock.withPermit(Effect.flatMap(Clock.currentTimeMillis, (now) => write(buffers.due(now))))

    const flush = () => lock.withPermit(Effect.suspend(() => write(buffers.drain())))

    const stats = (): Effect.Effect<LakeStats> =>
      Effect.sync(() => ({
        ...counts,
        objectsWritten: written.objects,
        errorObjectsWritten: written.errorObjects,
        bytesWritten: written.bytes,
        buffered: buffers.buffered() + unwritten.reduce((sum, object) => sum + object.tickets.length, 0),
      }))

    return {
      name,
      limits: firehosePutRecordBatch,
      putRecordBatch,
      flush,
      tick,
      stats,
      durableCount: () => Effect.sync(() => watermark.durableCount()),
      nextDeadline: () => buffers.deadline(),
    }
  })

/** Sleeps until the earliest buffer is due, writes what is due, forever. */
const runTicker = (stream: LocalDeliveryStream, hints: BufferHints) =>
  Effect.gen(function* () {
    for (;;) {
      const now = yield* Clock.currentTimeMillis
      const due = stream.nextDeadline()
      yield* Effect.sleep(
        due === undefined ? Math.max(50, Math.min(IDLE_POLL_MS, hints.intervalMs)) : Math.max(0, due - now),
      )
      yield* stream
        .tick()
        .pipe(Effect.catch((error) => Effect.logWarning(`lake interval flush failed: ${error.reason}`)))
    }
  })

/**
 * The stream as a scoped service: the ticker runs while the scope is open, and closing the
 * scope writes every buffer (drain) — what `sluice up` does on SIGINT.
 */
export const scoped = (options: LocalDeliveryStreamOptions = {}) =>
  Effect.gen(function* () {
    const stream = yield* make(options)
    yield* Effect.addFinalizer(() =>
      stream
        .flush()
        .pipe(Effect.catch((error) => Effect.logError(`lake drain on shutdown failed: ${error.reason}`))),
    )
    if (options.ticker ?? true) {
      yield* Effect.forkScoped(runTicker(stream, options.bufferHints ?? LOCAL_DEFAULT_HINTS))
    }
    return stream
  })

/** DeliveryStream and LakeProgress over the ObjectStore in context. */
export const layer = (
  options: LocalDeliveryStreamOptions = {},
): Layer.Layer<DeliveryStream | LakeProgress, DeliveryStreamError, ObjectStore> =>
  Layer.effectContext(
    Effect.map(scoped(options), (stream) =>
      Context.make(DeliveryStream, DeliveryStream.of(stream)).pipe(
        Context.add(LakeProgress, LakeProgress.of(stream)),
      ),
    ),
  )
