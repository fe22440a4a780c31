/**
 * The part of the Kinesis client the adapter uses, typed structurally (as Kysely types
 * better-sqlite3): a `KinesisClient` from `@aws-sdk/client-kinesis` fits, and so does any
 * object with the same `send` — a test's wrapper that injects per-record failures, or a client
 * pointed at kinesalite. Only four operations are used.
 *
 * Service numbers the adapter relies on are named here with their source.
 */
import type {
  GetRecordsCommand,
  GetRecordsCommandOutput,
  GetShardIteratorCommand,
  GetShardIteratorCommandOutput,
  ListShardsCommand,
  ListShardsCommandOutput,
  PutRecordsCommand,
  PutRecordsCommandOutput,
} from "@aws-sdk/client-kinesis"

export interface KinesisApi {
  send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput>
  send(command: ListShardsCommand): Promise<ListShardsCommandOutput>
  send(command: GetShardIteratorCommand): Promise<GetShardIteratorCommandOutput>
  send(command: GetRecordsCommand): Promise<GetRecordsCommandOutput>
}

/** GetRecords returns at most 10,000 records per call. Source: Kinesis API reference, GetRecords. */
export const GET_RECORDS_MAX_LIMIT = 10_000

/** A shard iterator expires 5 minutes after it is returned. Source: Kinesis API reference, GetShardIterator. */
export const SHARD_ITERATOR_LIFETIME_MS = 5 * 60_000

/** A partition key is 1–256 Unicode characters. Source: Kinesis API reference, PutRecordsRequestEntry. */
export const PARTITION_KEY_MAX_CHARS = 256
