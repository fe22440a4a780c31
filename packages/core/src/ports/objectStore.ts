/**
 * Port: the object store — S3 as the data lake needs it.
 *
 * Keys are `/`-separated paths whose segments pass `validateObjectKey` (core/lake/objectKey.ts):
 * every adapter rejects any other key with `Poison` before touching its store, so a key means
 * the same object on S3, on disk and in memory, and never names a file outside a filesystem
 * lake's folder. `put` is atomic: readers see the whole new object or nothing new — never part
 * of it, even if the process dies mid-write. `list` returns keys in ascending byte order, as S3's
 * ListObjectsV2 does. One writer per key at a time is assumed (the delivery stream writes each
 * key once).
 */
import { Context, type Effect } from "effect"
import type { Fatal, Poison, Retryable, Throttled } from "../delivery/errors.ts"

export interface ObjectInfo {
  readonly key: string
  /** Bytes of the stored object. */
  readonly size: number
}

export interface PutObjectOptions {
  /** e.g. `application/x-ndjson`; stores that keep no metadata ignore it. */
  readonly contentType?: string
  /** e.g. `gzip` for a compressed body; stores that keep no metadata ignore it. */
  readonly contentEncoding?: string
}

export type ObjectStoreError = Retryable | Throttled | Fatal | Poison

export class ObjectStore extends Context.Service<
  ObjectStore,
  {
    /** Writes an object atomically, replacing any with the same key; Poison for an invalid key. */
    readonly put: (
      key: string,
      body: Uint8Array,
      options?: PutObjectOptions,
    ) => Effect.Effect<void, ObjectStoreError>
    /** The object's bytes, or undefined when there is none. */
    readonly get: (key: string) => Effect.Effect<Uint8Array | undefined, ObjectStoreError>
    /** Every object whose key starts with `prefix` (any string, "" for all), in ascending key order. */
    readonly list: (prefix: string) => Effect.Effect<ReadonlyArray<ObjectInfo>, ObjectStoreError>
    /** Deletes an object; deleting one that does not exist succeeds. */
    readonly delete: (key: string) => Effect.Effect<void, ObjectStoreError>
  }
>()("@sluice/core/ports/ObjectStore") {}
