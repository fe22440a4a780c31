/**
 * The part of the S3 client the ObjectStore adapter uses, typed structurally: an `S3Client`
 * from `@aws-sdk/client-s3` fits, and so does any object with the same `send` (a client pointed
 * at s3rver with `forcePathStyle: true`, or a test's wrapper). Four operations are used.
 */
import type {
  DeleteObjectCommand,
  DeleteObjectCommandOutput,
  GetObjectCommand,
  GetObjectCommandOutput,
  ListObjectsV2Command,
  ListObjectsV2CommandOutput,
  PutObjectCommand,
  PutObjectCommandOutput,
} from "@aws-sdk/client-s3"

export interface S3Api {
  send(command: PutObjectCommand): Promise<PutObjectCommandOutput>
  send(command: GetObjectCommand): Promise<GetObjectCommandOutput>
  send(command: ListObjectsV2Command): Promise<ListObjectsV2CommandOutput>
  send(command: DeleteObjectCommand): Promise<DeleteObjectCommandOutput>
}

/** ListObjectsV2 returns at most 1,000 keys per page. Source: Amazon S3 API reference, ListObjectsV2. */
export const LIST_PAGE_MAX_KEYS = 1000
