import { checkAsyncProperty, checkProperty } from "@sluice/testkit"
import { Clock, Effect, Exit, Fiber, Random } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  backoffCeilingMs,
  backoffDelayMs,
  type DeliveryError,
  Fatal,
  Poison,
  Retryable,
  type RetryPolicy,
  retrySchedule,
  Throttled,
  withRetry,
} from "../../src/delivery/index.ts"

const policyArb = fc.record({
  baseDelayMs: fc.integer({ min: 1, max: 1000 }),
  maxDelayMs: fc.integer({ min: 1, max: 20_000 }),
  maxAttempts: fc.integer({ min: 1, max: 10 }),
  maxElapsedMs: fc.integer({ min: 0, max: 120_000 }),
})

/** Runs an always-failing effect under the policy on a TestClock; returns attempt times. */
const attemptTimes = (policy: RetryPolicy, error: DeliveryError, seed: number) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const times: number[] = []
      const attempt = Effect.flatMap(Clock.currentTimeMillis, (now) => {
        times.push(now)
        return Effect.fail(error)
      })
      const fiber = yield* Effect.forkChild(Effect.exit(attempt.pipe(withRetry(policy))))
      yield* TestClock.adjust("1 day")
      const exit = yield* Fiber.join(fiber)
      return { times, exit }
    }).pipe(Effect.provide(TestClock.layer()), Random.withSeed(seed)),
  )

describe("retry policy (invariant 5: bounded, jittered backoff; poison never retried)", () => {
  it("waits a full-jitter delay within [floor, min(cap, base·2^n)]", () => {
    checkProperty(
      fc.property(
        policyArb,
        fc.nat(40),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (policy, n, r) => {
          const delay = backoffDelayMs(policy, n, r)
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThanOrEqual(backoffCeilingMs(policy, n))
          expect(backoffCeilingMs(policy, n)).toBeLessThanOrEqual(policy.maxDelayMs)
          expect(
            backoffDelayMs(policy, n, r, new Throttled({ reason: "slow down", retryAfterMs: 7_000 })),
          ).toBeGreaterThanOrEqual(7_000)
        },
      ),
      500,
    )
  })

  it("retries transient errors at most maxAttempts in all, within maxElapsed, with bounded gaps", async () => {
    await checkAsyncProperty(
      fc.asyncProperty(policyArb, fc.integer(), fc.boolean(), async (policy, seed, throttled) => {
        const error = throttled
          ? new Throttled({ reason: "throttled" })
          : new Retryable({ reason: "timeout" })
        const { times, exit } = await attemptTimes(policy, error, seed)
        expect(Exit.isFailure(exit)).toBe(true)
        expect(times.length).toBeGreaterThanOrEqual(1)
        expect(times.length).toBeLessThanOrEqual(policy.maxAttempts)
        for (let i = 1; i < times.length; i++) {
          expect(times[i - 1]! - times[0]!).toBeLessThanOrEqual(policy.maxElapsedMs)
          expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(backoffCeilingMs(policy, i - 1))
        }
      }),
      60,
    )
  })

  it("tries Poison and Fatal exactly once", async () => {
    const policy = { baseDelayMs: 10, maxDelayMs: 100, maxAttempts: 5, maxElapsedMs: 10_000 }
    for (const error of [new Poison({ reason: "bad" }), new Fatal({ reason: "no table" })]) {
      const { times, exit } = await attemptTimes(policy, error, 1)
      expect(times).toEqual([0])
      expect(Exit.isFailure(exit)).toBe(true)
    }
  })

  it("uses every attempt when the error stays transient and time allows", async () => {
    const policy = { baseDelayMs: 10, maxDelayMs: 100, maxAttempts: 5, maxElapsedMs: 10_000 }
    const { times } = await attemptTimes(policy, new Retryable({ reason: "x" }), 7)
    expect(times).toHaveLength(5)
  })

  it("replays the same delays for the same seed", async () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 6, maxElapsedMs: 100_000 }
    const a = await attemptTimes(policy, new Retryable({ reason: "x" }), 42)
    const b = await attemptTimes(policy, new Retryable({ reason: "x" }), 42)
    expect(a.times).toEqual(b.times)
  })

  it("attempts exactly as Effect.retry with the policy's schedule does (same times, same outcome)", async () => {
    // The schedule starts only at the first failure (withRetry), yet nothing observable differs.
    const errorArb = fc.constantFrom<DeliveryError>(
      new Retryable({ reason: "timeout" }),
      new Throttled({ reason: "slow", retryAfterMs: 30 }),
      new Poison({ reason: "bad" }),
    )
    await checkAsyncProperty(
      fc.asyncProperty(
        policyArb,
        fc.array(errorArb, { maxLength: 6 }),
        fc.boolean(),
        fc.integer(),
        async (policy, failures, thenSucceed, seed) => {
          const run = (
            retrying: (e: Effect.Effect<string, DeliveryError>) => Effect.Effect<string, DeliveryError>,
          ) =>
            Effect.runPromise(
              Effect.gen(function* () {
                const times: number[] = []
                const attempt = Effect.flatMap(Clock.currentTimeMillis, (now) => {
                  times.push(now)
                  const error = failures[times.length - 1]
                  if (error !== undefined) return Effect.fail(error)
                  return thenSucceed ? Effect.succeed("ok") : Effect.fail(new Retryable({ reason: "still" }))
                })
                const fiber = yield* Effect.forkChild(Effect.exit(retrying(attempt)))
                yield* TestClock.adjust("1 day")
                return { times, exit: yield* Fiber.join(fiber) }
              }).pipe(Effect.provide(TestClock.layer()), Random.withSeed(seed)),
            )
          const ours = await run(withRetry(policy))
          const reference = await run((e) => Effect.retry(e, retrySchedule(policy)))
          expect(ours.times).toEqual(reference.times)
          expect(ours.exit).toEqual(reference.exit)
        },
      ),
      60,
    )
  })
})
