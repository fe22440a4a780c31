// Event sourcing (issue 11): projections as pure folds over the history, applied by the consumer,
// rebuilt and replayed from the stream or the lake.
export { type ApplyOptions, type ApplyResult, applyEvents } from "./applyEvents.ts"
export { type ProjectionBatchOptions, processKinesisBatchWithProjections } from "./consumerBatch.ts"
export {
  applyConsumerProjections,
  type ConsumerProjectionSettings,
  type ProjectionBatchSummary,
} from "./consumerProjections.ts"
export { addExact, mergeExact, totalExact } from "./exactSum.ts"
export { type FoldTally, foldEvents, type KeyFold, startFold } from "./foldEvents.ts"
export {
  advancedProgress,
  type ConsumerDecision,
  consumerDecision,
  mayGoLive,
  type NewProjections,
  type RegistrationDecision,
  registrationDecision,
} from "./handover.ts"
export { eventOfItem, type PositionedEvent } from "./historyEvent.ts"
export {
  type CarriedFold,
  carriedKeyOf,
  decodeCarried,
  encodeCarried,
  WINDOW_STATE_BUDGET_BYTES,
} from "./lambdaWindow.ts"
export { LATEST_STATE, latestState } from "./latestState.ts"
export {
  LAKE_SOURCE,
  lakePosition,
  laterPosition,
  sequenceNumberOfPosition,
  shardOfSource,
  streamPosition,
  streamSource,
} from "./positions.ts"
export {
  type AnyProjection,
  type Applied,
  fingerprintOf,
  keyOfEvent,
  type Projection,
  type ProjectionIntent,
  type PutView,
  projectionProblem,
  validateProjections,
} from "./projection.ts"
export { ensureRegistered, progressIn, type Registered, updateProgress } from "./projectionRegistry.ts"
export { noProjectionStore, type ProjectionStoreLike, projectionStoreServiceOf } from "./projectionStoreOf.ts"
export { type LakeHistory, type LakeObject, replayLake } from "./replayLake.ts"
export type { ProjectionReplayReport, ReplayProgress, ReplayReport, ReplaySettings } from "./replayRuns.ts"
export { replayStream } from "./replayStream.ts"
export { type RulesProjectionOptions, rulesProjection } from "./rulesProjection.ts"
export { eventsOfStreamRecords } from "./streamEvents.ts"
export {
  type AlertsState,
  initialAlerts,
  type ThresholdAlertsOptions,
  type ThresholdRule,
  thresholdAlerts,
  thresholdRuleProblems,
} from "./thresholdAlerts.ts"
export {
  type AggregatesState,
  DEFAULT_ALLOWED_LATENESS_MS,
  HOUR,
  initialAggregates,
  MINUTE,
  type WindowAggregatesOptions,
  type WindowResolution,
  windowAggregates,
} from "./windowAggregates.ts"
export {
  applyWindowedProjections,
  type WindowedProjectionsResult,
  type WindowInvocation,
} from "./windowedConsumerProjections.ts"
export { type FieldStats, type WindowStats, windowKey } from "./windowStats.ts"
