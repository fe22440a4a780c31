/**
 * Lambda's event source mapping for Kinesis, as pure logic: its settings, the event it sends,
 * how it reads the reply, its batching/retry/bisect/age decisions and its on-failure record.
 * The loop that polls a stream and invokes a handler is in `@sluice/adapters-local`.
 */
export {
  BATCH_SIZE_DEFAULT,
  BATCH_SIZE_MAX,
  BATCHING_WINDOW_MAX_SECONDS,
  defaultMappingConfig,
  type EventSourceMappingConfig,
  INVOCATION_PAYLOAD_MAX_BYTES,
  mappingConfigOf,
  mappingConfigProblems,
  RECORD_AGE_MAX_SECONDS,
  RECORD_AGE_MIN_SECONDS,
  RETRY_ATTEMPTS_MAX,
  TUMBLING_WINDOW_MAX_SECONDS,
} from "./eventSourceMappingConfig.ts"
export {
  initialMappingState,
  type MappingState,
  type MappingStep,
  planStep,
  type Settlement,
  settleExpiry,
  settleInvocation,
} from "./eventSourceMappingDecisions.ts"
export {
  type EsmKinesisEvent,
  type EsmKinesisRecord,
  EVENT_ENVELOPE_BYTES,
  type EventSourceIdentity,
  eventRecordBytes,
  functionArnOf,
  kinesisEventOf,
  kinesisRecordOf,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  localEventSource,
  streamArnOf,
} from "./eventSourceMappingEvent.ts"
export {
  type DiscardCondition,
  type DiscardedRecords,
  type OnFailureRecord,
  onFailureRecordOf,
} from "./eventSourceMappingFailure.ts"
export { type BatchVerdict, type InvocationOutcome, verdictOf } from "./eventSourceMappingResponse.ts"
export {
  afterFinal,
  afterInvocation,
  type EsmKinesisWindowEvent,
  holdCheckpoint,
  initialWindowState,
  replyState,
  type TumblingWindow,
  WINDOW_STATE_MAX_BYTES,
  type WindowFields,
  type WindowState,
  windowBatchable,
  windowDue,
  windowFieldsOf,
  windowOfArrival,
  windowTime,
  windowVerdict,
} from "./eventSourceMappingWindows.ts"
