/**
 * Batch limits of the services the pipeline writes to, as named, configurable profiles.
 *
 * Each number is the service's documented limit (source beside it). Profiles are plain data:
 * pass your own where a service is configured differently (Kinesis large records, an
 * OpenSearch domain with a larger `http.max_content_length`).
 */

export interface BatchLimits {
  /** Most records in one call. */
  readonly maxCount: number
  /** Most bytes in one call, summed over records (as `sizeOf` measures them). */
  readonly maxBytes: number
  /** Most bytes of one record; larger records can never be sent and are rejected. */
  readonly maxRecordBytes: number
}

export interface BatchProfile extends BatchLimits {
  readonly name: string
}

const KiB = 1024
const MiB = 1024 * KiB

/**
 * Kinesis PutRecords: ≤ 500 records, ≤ 5 MiB per call, ≤ 1 MiB per record (data plus partition
 * key). Source: Kinesis API reference, PutRecords.
 */
export const kinesisPutRecords: BatchProfile = {
  name: "kinesis-put-records",
  maxCount: 500,
  maxBytes: 5 * MiB,
  maxRecordBytes: 1 * MiB,
}

/**
 * Firehose PutRecordBatch: ≤ 500 records, ≤ 4 MiB per call, ≤ 1,000 KiB per record.
 * Source: Amazon Data Firehose API reference, PutRecordBatch.
 */
export const firehosePutRecordBatch: BatchProfile = {
  name: "firehose-put-record-batch",
  maxCount: 500,
  maxBytes: 4 * MiB,
  maxRecordBytes: 1000 * KiB,
}

/**
 * DynamoDB BatchWriteItem: ≤ 25 put requests, ≤ 16 MB per call, ≤ 400 KB per item.
 * Source: DynamoDB API reference, BatchWriteItem; DynamoDB quotas (item size).
 */
export const dynamoBatchWriteItem: BatchProfile = {
  name: "dynamodb-batch-write-item",
  maxCount: 25,
  maxBytes: 16 * MiB,
  maxRecordBytes: 400 * KiB,
}

/**
 * OpenSearch `_bulk`: no count limit, but AWS recommends 5–15 MiB per request and the domain's
 * `http.max_content_length` (10 MiB on the smallest instance types) caps it; we default to
 * 10 MiB per request and a document of at most that, and 5,000 actions to bound latency.
 * Source: Amazon OpenSearch Service developer guide, "Sizing" and "Network limits".
 */
export const openSearchBulk: BatchProfile = {
  name: "opensearch-bulk",
  maxCount: 5000,
  maxBytes: 10 * MiB,
  maxRecordBytes: 10 * MiB,
}

export const profiles = {
  kinesisPutRecords,
  firehosePutRecordBatch,
  dynamoBatchWriteItem,
  openSearchBulk,
} as const
