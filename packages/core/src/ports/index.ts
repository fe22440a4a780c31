export { type CheckpointError, Checkpoints } from "./checkpoints.ts"
export { Clock, nowMs, sleepMs } from "./clock.ts"
export { type DeadLetter, DeadLetters, type DeadLettersError, deadLetterIdOf } from "./deadLetters.ts"
export { DeliveryStream, type DeliveryStreamError, type PutRecordResult } from "./deliveryStream.ts"
export { type ObjectInfo, ObjectStore, type ObjectStoreError, type PutObjectOptions } from "./objectStore.ts"
export {
  type CommitResult,
  type KeyCommit,
  type ProgressStatus,
  type ProjectionProgress,
  type ProjectionRegistration,
  ProjectionStore,
  type ProjectionStoreError,
  type PutProgressResult,
  type StoredState,
  type ViewRecord,
  type ViewScan,
} from "./projectionStore.ts"
export {
  type BulkItemResult,
  type DeviceHits,
  type FieldRange,
  type FieldValue,
  type LatestPerDeviceQuery,
  type SearchDocument,
  type SearchHit,
  SearchIndex,
  type SearchIndexError,
  type SearchQuery,
} from "./searchIndex.ts"
export {
  type PutEntryResult,
  type ReadResult,
  type StartPosition,
  Stream,
  type StreamEntry,
  type StreamError,
  type StreamRecord,
} from "./stream.ts"
export {
  type BatchWriteResult,
  type ConditionalPutResult,
  type Item,
  Table,
  type TableError,
  type TableKey,
  type TimeRange,
} from "./table.ts"
