/**
 * The four ways a write can fail, and what each one means for the record.
 *
 * - `Retryable`: a transient fault (timeout, 5xx, connection reset). Try again, with backoff.
 * - `Throttled`: the service asked us to slow down. Try again, no sooner than it asked.
 * - `Fatal`: the pipeline itself is broken (missing table, access denied, bad config). Retrying
 *   will not help and the record is not at fault: stop and make noise rather than move data aside.
 * - `Poison`: the record itself can never succeed (malformed, too large, rejected by
 *   validation). Dead-letter it with the reason and move on — it must never block its shard.
 *
 * Every port's error type is a union of these, so retry, reconciliation and dead-lettering are
 * decided once, here in core, for every adapter.
 */
import { Data } from "effect"

export class Retryable extends Data.TaggedError("Retryable")<{
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.reason
  }
}

export class Throttled extends Data.TaggedError("Throttled")<{
  readonly reason: string
  /** The service's own hint, when it gives one; backoff never retries sooner. */
  readonly retryAfterMs?: number
}> {
  override get message(): string {
    return this.reason
  }
}

export class Fatal extends Data.TaggedError("Fatal")<{
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.reason
  }
}

export class Poison extends Data.TaggedError("Poison")<{
  readonly reason: string
}> {
  override get message(): string {
    return this.reason
  }
}

export type DeliveryError = Retryable | Throttled | Fatal | Poison

/** Transient errors are worth retrying; Fatal and Poison never are. */
export const isTransient = (error: DeliveryError): error is Retryable | Throttled =>
  error._tag === "Retryable" || error._tag === "Throttled"

const TAGS = new Set(["Retryable", "Throttled", "Fatal", "Poison"])

/** True when a value is one of the four delivery errors (e.g. a rejection from a plain-Promise adapter). */
export const isDeliveryError = (value: unknown): value is DeliveryError =>
  typeof value === "object" && value !== null && TAGS.has((value as { _tag?: unknown })._tag as string)

/**
 * Classifies an unknown failure from a plain-Promise adapter. Our own errors pass through; any
 * other exception counts as Retryable, because an unknown failure must neither be dropped
 * (Poison) nor silently stop the pipeline (Fatal): bounded retries will surface it.
 */
export const toDeliveryError = (error: unknown): DeliveryError =>
  isDeliveryError(error)
    ? error
    : new Retryable({ reason: error instanceof Error ? error.message : String(error), cause: error })
