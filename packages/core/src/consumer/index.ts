// The Lambda handlers: the Kinesis consumer (issue 4) and the Firehose transformation (issue 5).
export {
  type ConsoleDeadLettersOptions,
  consoleDeadLetters,
  deadLetterLine,
} from "./consoleDeadLetters.ts"
export {
  type FirehosePartitionKeys,
  type FirehoseRecordResult,
  type FirehoseTransformationEvent,
  type FirehoseTransformationEventRecord,
  type FirehoseTransformationResult,
  type FirehoseTransformationResultRecord,
  LAMBDA_MAX_RESPONSE_BYTES,
} from "./firehoseEvent.ts"
export { type BudgetEntry, fitResponse, responseRecordBytes } from "./firehoseResponseBudget.ts"
export {
  type FirehoseTransformOptions,
  type FirehoseTransformSummary,
  firehoseTransform,
  type TransformedEvent,
  transformEventSync,
  transformFirehoseEvent,
} from "./firehoseTransform.ts"
export {
  type LakePartitionKeys,
  lakeLine,
  lakePartitionKeys,
  type RecordTransformation,
  type RecordTransformOptions,
  transformRecord,
} from "./firehoseTransformRecord.ts"
export { processKinesisBatch } from "./kinesisBatch.ts"
export { KinesisBatchFailed, type KinesisHandler, kinesisConsumer } from "./kinesisConsumer.ts"
export { decodeKinesisEvent, type Entry as KinesisEntry, type PoisonVerdict } from "./kinesisDecode.ts"
export {
  type BatchItemFailure,
  compareSequenceNumbers,
  type KinesisBatchResponse,
  type KinesisRecordPayload,
  type KinesisStreamEvent,
  type KinesisStreamRecord,
  type LambdaContextLike,
  shardIdOf,
  streamNameOf,
} from "./kinesisEvent.ts"
export {
  type ConsumerMode,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_DEADLINE_MARGIN_MS,
  type KinesisBatchOptions,
  type KinesisBatchResult,
  type KinesisBatchSummary,
  type KinesisConsumerOptions,
  type KinesisConsumerSettings,
  type StoredEntry,
} from "./kinesisOptions.ts"
