/**
 * The Checkpoints port on local files: one JSON file per consumer, `<dir>/<consumer>.json`
 * (the name percent-encoded), mapping shard ids to the last processed sequence number.
 *
 * `set` resolves only once the new checkpoint is durable: the file is replaced atomically
 * (write a temporary file, fdatasync, rename over, fsync the directory), so a crash leaves the
 * old checkpoint or the new, never a torn one. A `set` that would move a checkpoint backwards
 * (compared as decimal numbers) is ignored, so a late, stale call cannot rewind a consumer.
 * Concurrent sets for one consumer share writes (group commit again): each waits for the first
 * write that includes its value.
 *
 *     set(s0, 10) ─┐ write {s0:10} ──────── resolved
 *     set(s1, 7)  ─┼──── waits ──┐
 *     set(s0, 12) ─┘             └ write {s0:12, s1:7} ── both resolved
 *
 * One process per directory: two processes checkpointing the same consumer would overwrite
 * each other's files (the event-source-mapping runner owns its consumer).
 */
import { mkdirSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { type CheckpointError, Checkpoints, Fatal, Retryable } from "@sluice/core"
import { Effect, Layer } from "effect"
import { writeFileAtomic } from "./durableFiles.ts"
import { compareDecimal } from "./sequenceNumbers.ts"

export interface LocalCheckpointsOptions {
  /** Directory of checkpoint files (by convention `<data-dir>/checkpoints`). */
  readonly dir: string
}

interface ConsumerFile {
  readonly shards: Map<string, string>
  /** Bumped on every accepted change; a write covers the version it snapshotted. */
  version: number
  written: number
  writing: Promise<void> | undefined
}

const fileName = (consumer: string) => `${encodeURIComponent(consumer).replace(/\./g, "%2E")}.json`

export const openLocalCheckpoints = (options: LocalCheckpointsOptions) => {
  const consumers = new Map<string, Promise<ConsumerFile>>()

  const load = (consumer: string): Promise<ConsumerFile> => {
    let file = consumers.get(consumer)
    if (file === undefined) {
      file = (async () => {
        const text = await readFile(join(options.dir, fileName(consumer)), "utf8").catch(
          (error: NodeJS.ErrnoException) => {
            if (error.code === "ENOENT") return undefined
            throw error
          },
        )
        const shards = new Map<string, string>()
        if (text !== undefined) {
          const parsed = JSON.parse(text) as { shards?: Record<string, string> }
          for (const [shardId, sequenceNumber] of Object.entries(parsed.shards ?? {}))
            shards.set(shardId, sequenceNumber)
        }
        return { shards, version: 0, written: 0, writing: undefined }
      })()
      consumers.set(consumer, file)
      // A failed load (unreadable file) must not stick: the next call tries again.
      file.catch(() => consumers.delete(consumer))
    }
    return file
  }

  /** Writes until the file holds at least `version`. */
  const flush = async (consumer: string, file: ConsumerFile, version: number): Promise<void> => {
    while (file.written < version) {
      if (file.writing === undefined) {
        const snapshot = file.version
        const content = `${JSON.stringify({ consumer, shards: Object.fromEntries(file.shards) }, null, 2)}\n`
        file.writing = (async () => {
          mkdirSync(options.dir, { recursive: true }) // a stat when it exists: no threadpool trip
          await writeFileAtomic(join(options.dir, fileName(consumer)), content)
          file.written = Math.max(file.written, snapshot)
        })().finally(() => {
          file.writing = undefined
        })
      }
      await file.writing
    }
  }

  const get = async (consumer: string, shardId: string): Promise<string | undefined> =>
    (await load(consumer)).shards.get(shardId)

  const set = async (consumer: string, shardId: string, sequenceNumber: string): Promise<void> => {
    if (!/^\d+$/.test(sequenceNumber))
      throw new Fatal({ reason: `checkpoint "${sequenceNumber}" is not a decimal sequence number` })
    const file = await load(consumer)
    const current = file.shards.get(shardId)
    if (current !== undefined && compareDecimal(sequenceNumber, current) <= 0) {
      // Nothing to change, but an earlier accepted value may still be on its way to disk.
      return flush(consumer, file, file.version)
    }
    file.shards.set(shardId, sequenceNumber)
    file.version++
    return flush(consumer, file, file.version)
  }

  const asError = (error: unknown): CheckpointError =>
    error instanceof Fatal || error instanceof Retryable
      ? error
      : new Retryable({ reason: `checkpoint file: ${String(error)}`, cause: error })

  const service = Checkpoints.of({
    get: (consumer, shardId) => Effect.tryPromise({ try: () => get(consumer, shardId), catch: asError }),
    set: (consumer, shardId, sequenceNumber) =>
      Effect.tryPromise({ try: () => set(consumer, shardId, sequenceNumber), catch: asError }),
  })
  return { service, get, set }
}
export type LocalCheckpoints = ReturnType<typeof openLocalCheckpoints>

export const make = (options: LocalCheckpointsOptions): Checkpoints["Service"] =>
  openLocalCheckpoints(options).service

export const layer = (options: LocalCheckpointsOptions): Layer.Layer<Checkpoints> =>
  Layer.sync(Checkpoints, () => make(options))
