/**
 * The retry policy: exponential backoff with full jitter, bounded by attempts and elapsed time.
 *
 * Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the n-th retry waits a
 * uniformly random time in [0, min(cap, base · 2^n)]. It spreads retries of many clients best
 * — Effect's `Schedule.jittered` only scales a delay by 0.8–1.2, so we write it ourselves.
 * A `Throttled` error's own `retryAfterMs` is a floor on the wait. Only transient errors
 * (`Retryable`, `Throttled`) are retried; `Poison` and `Fatal` stop at once.
 *
 * `retrySchedule` is the policy as an Effect `Schedule` (randomness from Effect's `Random`, time
 * from its `Clock`, so tests pin both); `backoffDelayMs` is the same arithmetic for loops that
 * do not run in Effect.
 */
import { Duration, Effect, Pull, Random, Schedule } from "effect"
import { type DeliveryError, isTransient } from "./errors.ts"

export interface RetryPolicy {
  /** Delay scale of the first retry. */
  readonly baseDelayMs: number
  /** Largest delay before jitter. */
  readonly maxDelayMs: number
  /** Most attempts in all, the first included (1 = never retry). */
  readonly maxAttempts: number
  /** No retry starts after this much time since the first attempt. */
  readonly maxElapsedMs: number
}

export const defaultRetryPolicy: RetryPolicy = {
  baseDelayMs: 50,
  maxDelayMs: 5_000,
  maxAttempts: 8,
  maxElapsedMs: 30_000,
}

/** The jitter-free ceiling of the wait before retry number `retry` (0 = the first retry). */
export const backoffCeilingMs = (policy: RetryPolicy, retry: number): number =>
  Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 52))

/**
 * The wait before retry number `retry` (0-based), given a uniform random number in [0, 1) and
 * the error being retried.
 */
export const backoffDelayMs = (
  policy: RetryPolicy,
  retry: number,
  random: number,
  error?: DeliveryError,
): number => {
  const jittered = Math.floor(random * (backoffCeilingMs(policy, retry) + 1))
  const floor = error?._tag === "Throttled" ? (error.retryAfterMs ?? 0) : 0
  return Math.max(jittered, floor)
}

/** Whether another attempt is allowed after `attempts` attempts and `elapsedMs`, for this error. */
export const shouldRetry = (
  policy: RetryPolicy,
  attempts: number,
  elapsedMs: number,
  error: DeliveryError,
): boolean => isTransient(error) && attempts < policy.maxAttempts && elapsedMs <= policy.maxElapsedMs

/** The policy as an Effect Schedule over delivery errors, for `Effect.retry`. */
export const retrySchedule = (policy: RetryPolicy) =>
  Schedule.forever.pipe(
    Schedule.setInputType<DeliveryError>(),
    Schedule.while(({ input, attempt, elapsed }) => shouldRetry(policy, attempt, elapsed, input)),
    Schedule.modifyDelay(({ attempt, input }) =>
      Effect.map(Random.next, (random) =>
        Duration.millis(backoffDelayMs(policy, attempt - 1, random, input)),
      ),
    ),
  )

/**
 * Runs an effect, retrying its transient failures under the policy — `Effect.retry(effect,
 * retrySchedule(policy))`, except that the schedule is started only when a first attempt fails.
 *
 * Why: `Effect.retry` builds the schedule's stepper, its metadata and a context per run, even
 * for an effect that succeeds at once — several microseconds on every table batch, dead-letter
 * put and store call, most of which never fail (decision 0920). The schedule's clock starts at
 * its first step either way (the first failure), so the attempts, their delays and the random
 * numbers drawn are exactly those of `Effect.retry` (a differential test holds them equal).
 */
export const withRetry = (policy: RetryPolicy) => {
  // Built once per policy, not per effect: a Schedule is a description, reusable across runs.
  const schedule = retrySchedule(policy)
  return <A, E extends DeliveryError, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.catch(effect, (first: E) => retryAfter(effect, schedule, first))
}

/** The rest of `Effect.retry` after the first attempt failed with `first`. */
const retryAfter = <A, E extends DeliveryError, R>(
  effect: Effect.Effect<A, E, R>,
  schedule: ReturnType<typeof retrySchedule>,
  first: E,
): Effect.Effect<A, E, R> =>
  Effect.flatMap(Schedule.toStepWithMetadata(schedule), (step) => {
    let last = first
    type Stepped = Effect.Effect<A, E | Effect.Error<ReturnType<typeof step>>, R>
    const again: Stepped = Effect.catch(effect, (error: E): Stepped => {
      last = error
      return Effect.flatMap(step(error), () => again)
    })
    return Pull.catchDone(
      Effect.flatMap(step(first), () => again),
      () => Effect.fail(last),
    )
  }) as Effect.Effect<A, E, R>
