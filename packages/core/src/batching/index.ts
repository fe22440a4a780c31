export {
  aggregate,
  aggregatedEntrySize,
  aggregateOverhead,
  type Deaggregated,
  deaggregate,
  hasKplMagic,
  KPL_MAGIC,
  type UserRecord,
} from "./kpl.ts"
export {
  type BatchLimits,
  type BatchProfile,
  dynamoBatchWriteItem,
  firehosePutRecordBatch,
  kinesisPutRecords,
  openSearchBulk,
  profiles,
} from "./limits.ts"
export { assertValidLimits, type BatchPlan, planBatches, type RejectedRecord } from "./planner.ts"
export {
  type BufferHints,
  type BufferState,
  deadline,
  drain,
  emptyBuffer,
  FIREHOSE_DEFAULT_HINTS,
  FIREHOSE_HINT_LIMITS,
  type Flush,
  type FlushReason,
  offer,
  type Step,
  tick,
} from "./sizeIntervalBuffer.ts"
