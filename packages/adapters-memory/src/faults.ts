/**
 * Seeded fault injection for the memory adapters.
 *
 * Each write operation draws from the seeded PRNG and may, with the plan's probabilities:
 * - `throttle`: fail with Throttled before applying anything;
 * - `error`: fail with Retryable before applying anything;
 * - `partial`: (batch writes) apply a random subset and report the rest unprocessed;
 * - `timeoutAfterWrite`: apply everything, then fail with Retryable — the caller cannot know
 *   the write landed, the case that makes idempotency necessary;
 * - `crash`: apply a random prefix, then die with a `SimulatedCrash` defect, as a process
 *   killed mid-batch would.
 * `poison` marks items the store rejects for good (Poison), deterministically.
 * Reads never fail: tests and invariant checks read through them.
 */
import { seededRandom } from "./seededRandom.ts"

export interface FaultPlan {
  readonly throttle?: number
  readonly error?: number
  readonly partial?: number
  readonly timeoutAfterWrite?: number
  readonly crash?: number
  /** A reason when the store must reject this item for good. */
  readonly poison?: (item: unknown) => string | undefined
}

export type FaultKind = "throttle" | "error" | "partial" | "timeoutAfterWrite" | "crash"

/** The defect a simulated process crash dies with. */
export class SimulatedCrash extends Error {
  override readonly name = "SimulatedCrash"
}

export interface FaultInjector {
  /** Which fault, if any, hits this operation. `batch` enables `partial`. */
  draw(batch: boolean): FaultKind | undefined
  /** A random subset decision: true keeps the item in this attempt. */
  keep(): boolean
  /** A random prefix length in [0, n]. */
  prefix(n: number): number
  readonly counts: Readonly<Record<FaultKind, number>>
  readonly plan: FaultPlan
}

export const makeFaultInjector = (plan: FaultPlan = {}, seed = 1): FaultInjector => {
  const random = seededRandom(seed)
  const counts: Record<FaultKind, number> = {
    throttle: 0,
    error: 0,
    partial: 0,
    timeoutAfterWrite: 0,
    crash: 0,
  }
  const order: ReadonlyArray<FaultKind> = ["crash", "throttle", "error", "partial", "timeoutAfterWrite"]
  return {
    plan,
    counts,
    draw: (batch) => {
      for (const kind of order) {
        if (kind === "partial" && !batch) continue
        const p = plan[kind] ?? 0
        if (p > 0 && random.next() < p) {
          counts[kind]++
          return kind
        }
      }
      return undefined
    },
    keep: () => random.next() < 0.5,
    prefix: (n) => random.int(n + 1),
  }
}
