/**
 * The part of the Firehose client the DeliveryStream adapter uses, typed structurally: a
 * `FirehoseClient` from `@aws-sdk/client-firehose` fits, and so does any object with the same
 * `send`. One operation: PutRecordBatch.
 */
import type { PutRecordBatchCommand, PutRecordBatchCommandOutput } from "@aws-sdk/client-firehose"

export interface FirehoseApi {
  send(command: PutRecordBatchCommand): Promise<PutRecordBatchCommandOutput>
}
