export {
  GET_RECORDS_MAX_LIMIT,
  type KinesisApi,
  PARTITION_KEY_MAX_CHARS,
  SHARD_ITERATOR_LIFETIME_MS,
} from "./kinesisApi.ts"
export { classifyEntryError, classifyKinesisError, type KinesisCallError } from "./kinesisErrors.ts"
export type { KinesisStreamOptions } from "./kinesisStream.ts"
export * as KinesisStream from "./kinesisStream.ts"
export {
  makeOrderedProducer,
  type OrderedProducerOptions,
  type OrderedPutOutcome,
  type OrderedRecord,
  putOrdered,
} from "./orderedProducer.ts"
export { ITERATOR_REUSE_MS, positionKey, ShardIteratorCache } from "./shardIterators.ts"
