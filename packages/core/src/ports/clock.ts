/**
 * Port: the clock. Effect's own `Clock` service is the port — production code reads time only
 * through it, so tests and the deterministic simulation drive time with `TestClock`. This file
 * only names the few helpers the pipeline uses.
 */
import { Clock, Effect } from "effect"

export { Clock }

/** Now, in epoch milliseconds, from the ambient Clock. */
export const nowMs: Effect.Effect<number> = Clock.currentTimeMillis

/** Sleeps on the ambient Clock (virtual under TestClock). */
export const sleepMs = (ms: number): Effect.Effect<void> => Effect.sleep(ms)
