/**
 * Reconnect delays: exponential from `initialMs`, capped at `maxMs`, with "equal jitter" —
 * half the delay fixed, half uniform — so a fleet that lost its broker at the same instant does
 * not come back at the same instant, yet no device retries at once. The jitter is drawn from
 * the device's own seeded stream (`<device>/backoff`), so it never disturbs reading values.
 */
import type { Random } from "../random.ts"

export interface BackoffOptions {
  /** First delay before jitter. Default 1000 ms. */
  readonly initialMs?: number
  /** Largest delay before jitter. Default 30 s. */
  readonly maxMs?: number
}

export const DEFAULT_BACKOFF = { initialMs: 1_000, maxMs: 30_000 } as const

/** Delay before attempt `attempt + 1`, after `attempt` (≥ 1) consecutive failures. */
export const backoffDelay = (attempt: number, options: BackoffOptions, random: Random): number => {
  const initial = options.initialMs ?? DEFAULT_BACKOFF.initialMs
  const max = Math.max(initial, options.maxMs ?? DEFAULT_BACKOFF.maxMs)
  const base = Math.min(max, initial * 2 ** Math.min(30, Math.max(0, attempt - 1)))
  return Math.round(base / 2 + (random.next() * base) / 2)
}
