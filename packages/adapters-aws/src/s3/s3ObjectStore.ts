/**
 * The ObjectStore port on Amazon S3 (and anything that speaks its API, such as s3rver).
 *
 * Keys pass the lake's key rule before any request (Poison otherwise), so S3 holds exactly the
 * keys the filesystem and memory stores would — a lake can move between them. An optional
 * `keyPrefix` (e.g. `lake/`) places the lake inside a shared bucket; it is added on the way in
 * and removed on the way out. A PutObject is atomic on S3 by itself: readers see the old object
 * or the new one. `list` pages through ListObjectsV2 (1,000 keys a page), which returns keys in
 * UTF-8 byte order. `get` of a missing key is undefined, `delete` of one succeeds (S3's own
 * semantics). The SDK's own retries apply as configured on the client; failures are classified
 * by s3Errors.ts.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
} from "@aws-sdk/client-s3"
import {
  type ObjectInfo,
  ObjectStore,
  type ObjectStoreError,
  objectKeyProblem,
  objectPrefixProblem,
  Poison,
} from "@sluice/core"
import { Effect, Layer } from "effect"
import { LIST_PAGE_MAX_KEYS, type S3Api } from "./s3Api.ts"
import { classifyS3Error, isNoSuchKey } from "./s3Errors.ts"

export interface S3ObjectStoreOptions {
  readonly client: S3Api
  readonly bucket: string
  /** Prepended to every key (end it with `/`); default none. */
  readonly keyPrefix?: string
  /** Keys per ListObjectsV2 page; default (and most) 1,000. */
  readonly listPageSize?: number
}

export const make = (options: S3ObjectStoreOptions): ObjectStore["Service"] => {
  const { client, bucket } = options
  const keyPrefix = options.keyPrefix ?? ""

  const checked = (key: string): Effect.Effect<string, ObjectStoreError> => {
    const problem = objectKeyProblem(key)
    return problem === undefined
      ? Effect.succeed(keyPrefix + key)
      : Effect.fail(new Poison({ reason: `object key ${JSON.stringify(key)} ${problem}` }))
  }

  const call = <A>(operation: string, run: () => Promise<A>) =>
    Effect.tryPromise({ try: run, catch: (error) => classifyS3Error(error, operation) })

  const listAll = (prefix: string) =>
    Effect.gen(function* () {
      const out: ObjectInfo[] = []
      let token: string | undefined
      do {
        const page: ListObjectsV2CommandOutput = yield* call("ListObjectsV2", () =>
          client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: keyPrefix + prefix,
              MaxKeys: Math.min(options.listPageSize ?? LIST_PAGE_MAX_KEYS, LIST_PAGE_MAX_KEYS),
              ...(token === undefined ? {} : { ContinuationToken: token }),
            }),
          ),
        )
        for (const entry of page.Contents ?? []) {
          if (entry.Key === undefined) continue
          out.push({ key: entry.Key.slice(keyPrefix.length), size: entry.Size ?? 0 })
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token !== undefined)
      // S3 already sorts by UTF-8 bytes; servers that emulate it may not.
      return out.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
    })

  return ObjectStore.of({
    put: (key, body, putOptions = {}) =>
      Effect.flatMap(checked(key), (fullKey) =>
        call("PutObject", () =>
          client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: fullKey,
              Body: body,
              ContentLength: body.byteLength,
              ...(putOptions.contentType === undefined ? {} : { ContentType: putOptions.contentType }),
              ...(putOptions.contentEncoding === undefined
                ? {}
                : { ContentEncoding: putOptions.contentEncoding }),
            }),
          ),
        ),
      ).pipe(Effect.asVoid),
    get: (key) =>
      Effect.flatMap(checked(key), (fullKey) =>
        Effect.tryPromise({
          try: async () => {
            try {
              const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: fullKey }))
              return answer.Body === undefined ? new Uint8Array() : await answer.Body.transformToByteArray()
            } catch (error) {
              if (isNoSuchKey(error)) return undefined
              throw error
            }
          },
          catch: (error) => classifyS3Error(error, "GetObject"),
        }),
      ),
    list: (prefix) => {
      const problem = objectPrefixProblem(prefix)
      return problem === undefined
        ? listAll(prefix)
        : Effect.fail(new Poison({ reason: `listing prefix ${JSON.stringify(prefix)} ${problem}` }))
    },
    delete: (key) =>
      Effect.flatMap(checked(key), (fullKey) =>
        call("DeleteObject", () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: fullKey }))),
      ).pipe(Effect.asVoid),
  })
}

export const layer = (options: S3ObjectStoreOptions): Layer.Layer<ObjectStore> =>
  Layer.succeed(ObjectStore, make(options))
