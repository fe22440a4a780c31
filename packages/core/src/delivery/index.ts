export {
  type DeliveryError,
  Fatal,
  isDeliveryError,
  isTransient,
  Poison,
  Retryable,
  Throttled,
  toDeliveryError,
} from "./errors.ts"
export {
  type OrderedCall,
  type OrderedEntry,
  type OversizedRecord,
  type PendingRecord,
  planOrderedCall,
  settleOrderedCall,
} from "./orderedPuts.ts"
export {
  failed,
  type Reconciliation,
  type RecordOutcome,
  reconcile,
  skipped,
  succeeded,
} from "./reconcile.ts"
export {
  backoffCeilingMs,
  backoffDelayMs,
  defaultRetryPolicy,
  type RetryPolicy,
  retrySchedule,
  shouldRetry,
  withRetry,
} from "./retryPolicy.ts"
