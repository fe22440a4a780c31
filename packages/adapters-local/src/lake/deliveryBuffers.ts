/**
 * The buffers of the local delivery stream: transformed records in, objects to write out.
 *
 * As Firehose with dynamic partitioning, each partition (the partition-key values the data
 * prefix uses) has its own size/interval buffer — core's `offer`/`tick`/`drain`, so hints mean
 * exactly what they mean on AWS: a buffer is written when it reaches the size hint or when the
 * interval has passed since its first record. Failed records go to error buffers, one per error
 * output type, under the same hints. An object's key is the evaluated prefix plus Firehose's
 * object name, both from the approximate arrival time of its oldest record, in UTC.
 *
 * A record whose partition keys cannot form a valid key (missing, empty, holding `/`, `..` as
 * a segment, …) is not buffered as data: it becomes an error record
 * (`DynamicPartitioning.InvalidPartitionKey`), so nothing can be written outside its folder.
 *
 * Pure and synchronous: the caller supplies the time and writes the objects (localDeliveryStream).
 */
import {
  type BufferHints,
  type BufferState,
  deadline,
  drain,
  emptyBuffer,
  errorRecordLine,
  evaluatePrefix,
  type Flush,
  type FlushReason,
  firehoseObjectSuffix,
  GZIP_EXTENSION,
  objectKeyProblem,
  offer,
  PROCESSING_FAILED,
  type PrefixTemplate,
  partitionIdentity,
  RANDOM_STRING_LENGTH,
  tick,
  uuidFromBytes,
} from "@sluice/core"
import { Result } from "effect"
import type { RecordOutcome } from "./transformStep.ts"

export interface LakeObject {
  readonly key: string
  readonly kind: "data" | "error"
  /** The uncompressed body, in pieces (strings are UTF-8 text). */
  readonly pieces: ReadonlyArray<string | Uint8Array>
  readonly bytes: number
  /** Tickets of the records in the object, settled once it is written. */
  readonly tickets: ReadonlyArray<number>
  readonly readings: number
  readonly reason: FlushReason
}

export interface DeliveryBuffersConfig {
  readonly streamName: string
  readonly version: number
  readonly prefix: PrefixTemplate
  readonly errorPrefix: PrefixTemplate
  readonly hints: BufferHints
  readonly lambdaArn: string
  /** Uniform in [0, 1): names objects (UUID) and `!{firehose:random-string}`. */
  readonly random: () => number
}

interface Entry {
  readonly ticket: number
  readonly piece: string | Uint8Array
  readonly readings: number
}

interface Partition {
  readonly kind: "data" | "error"
  readonly partitionKeys: Readonly<Record<string, string>> | undefined
  state: BufferState<Entry>
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

export const makeDeliveryBuffers = (config: DeliveryBuffersConfig) => {
  const partitions = new Map<string, Partition>()
  const randomString = () =>
    Array.from(
      { length: RANDOM_STRING_LENGTH },
      () => ALPHANUMERIC[Math.floor(config.random() * ALPHANUMERIC.length)],
    ).join("")
  const uuid = () => uuidFromBytes(Uint8Array.from({ length: 16 }, () => Math.floor(config.random() * 256)))

  const keyOf = (partition: Partition, openedAt: number): string => {
    const template = partition.kind === "data" ? config.prefix : config.errorPrefix
    const prefix = evaluatePrefix(template, {
      timestampMs: openedAt,
      errorOutputType: PROCESSING_FAILED,
      randomString,
      ...(partition.partitionKeys === undefined ? {} : { partitionKeys: partition.partitionKeys }),
    })
    // Keys were checked when the records were accepted; failing here is a bug, not data.
    if (Result.isFailure(prefix))
      throw new Error(`prefix evaluation failed after validation: ${prefix.failure}`)
    const suffix = firehoseObjectSuffix({
      streamName: config.streamName,
      version: config.version,
      timestampMs: openedAt,
      uuid: uuid(),
      extension: GZIP_EXTENSION,
    })
    return prefix.success + suffix
  }

  const objectOf = (partition: Partition, flush: Flush<Entry>): LakeObject => ({
    key: keyOf(partition, flush.openedAt),
    kind: partition.kind,
    pieces: flush.records.map((entry) => entry.piece),
    bytes: flush.bytes,
    tickets: flush.records.map((entry) => entry.ticket),
    readings: flush.records.reduce((sum, entry) => sum + entry.readings, 0),
    reason: flush.reason,
  })

  /** Why these partition keys cannot name an object, or undefined. */
  const partitionProblem = (
    partitionKeys: Readonly<Record<string, string>> | undefined,
  ): string | undefined => {
    const prefix = evaluatePrefix(config.prefix, {
      timestampMs: 0,
      randomString,
      ...(partitionKeys === undefined ? {} : { partitionKeys }),
    })
    if (Result.isFailure(prefix)) return prefix.failure
    const problem = objectKeyProblem(`${prefix.success}${config.streamName}-1-x${GZIP_EXTENSION}`)
    return problem === undefined ? undefined : `the partition keys make an object key that ${problem}`
  }

  const place = (
    id: string,
    kind: "data" | "error",
    partitionKeys: Partition["partitionKeys"],
    entry: Entry,
    bytes: number,
    now: number,
    out: LakeObject[],
  ) => {
    let partition = partitions.get(id)
    if (partition === undefined) {
      partition = { kind, partitionKeys, state: emptyBuffer() }
      partitions.set(id, partition)
    }
    const step = offer(partition.state, config.hints, entry, bytes, now)
    partition.state = step.state
    for (const flush of step.flushes) out.push(objectOf(partition, flush))
  }

  const failEntry = (outcome: Extract<RecordOutcome, { kind: "failed" }>, now: number): Entry => ({
    ticket: outcome.record.ticket,
    readings: 0,
    piece: errorRecordLine({
      attemptsMade: outcome.attemptsMade,
      arrivalTimestamp: outcome.record.arrivalMs,
      errorCode: outcome.errorCode,
      errorMessage: outcome.errorMessage,
      attemptEndingTimestamp: now,
      rawData: Buffer.from(outcome.record.data).toString("base64"),
      lambdaArn: config.lambdaArn,
    }),
  })

  const collect = (
    step: (partition: Partition) => { flush: Flush<Entry> | undefined; state: BufferState<Entry> },
  ) => {
    const out: LakeObject[] = []
    for (const [id, partition] of partitions) {
      const result = step(partition)
      partition.state = result.state
      if (result.flush) out.push(objectOf(partition, result.flush))
      if (partition.state.openedAt === undefined) partitions.delete(id)
    }
    return out
  }

  return {
    /** Buffers outcomes; returns objects now due and the tickets settled without an object (dropped). */
    accept: (outcomes: ReadonlyArray<RecordOutcome>, now: number) => {
      const objects: LakeObject[] = []
      const settled: number[] = []
      for (let outcome of outcomes) {
        if (outcome.kind === "dropped") {
          settled.push(outcome.record.ticket)
          continue
        }
        if (outcome.kind === "ok") {
          const id = `d${partitionIdentity(config.prefix, outcome.partitionKeys)}`
          // An open partition's keys were checked when it opened.
          const problem = partitions.has(id) ? undefined : partitionProblem(outcome.partitionKeys)
          if (problem === undefined) {
            const entry = { ticket: outcome.record.ticket, piece: outcome.body, readings: outcome.readings }
            place(id, "data", outcome.partitionKeys, entry, outcome.bytes, now, objects)
            continue
          }
          outcome = {
            kind: "failed",
            record: outcome.record,
            errorCode: "DynamicPartitioning.InvalidPartitionKey",
            errorMessage: problem,
            attemptsMade: 1,
          }
        }
        const entry = failEntry(outcome, now)
        place(
          `e${PROCESSING_FAILED}`,
          "error",
          undefined,
          entry,
          Buffer.byteLength(entry.piece as string),
          now,
          objects,
        )
      }
      return { objects, settled }
    },
    /** Objects whose interval has passed at `now`. */
    due: (now: number) => collect((partition) => tick(partition.state, config.hints, now)),
    /** Every buffered record, as objects (shutdown, explicit flush). */
    drain: () => collect((partition) => drain(partition.state)),
    /** When the earliest buffer's interval ends; undefined when all are empty. */
    deadline: (): number | undefined => {
      let earliest: number | undefined
      for (const partition of partitions.values()) {
        const due = deadline(partition.state, config.hints)
        if (due !== undefined && (earliest === undefined || due < earliest)) earliest = due
      }
      return earliest
    },
    /** Records waiting in buffers. */
    buffered: (): number => {
      let count = 0
      for (const partition of partitions.values()) count += partition.state.records.length
      return count
    },
  }
}

export type DeliveryBuffers = ReturnType<typeof makeDeliveryBuffers>
