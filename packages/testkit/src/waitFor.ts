/**
 * Waiting on conditions, never on bare sleeps: poll a check until it holds or a bounded
 * timeout passes, then fail naming what was awaited and the last value seen.
 */
import { setTimeout as delay } from "node:timers/promises"

export interface WaitOptions {
  readonly timeoutMs?: number
  readonly intervalMs?: number
  /** Named in the timeout error. */
  readonly what?: string
}

export const waitFor = async <T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 20, what = "condition" }: WaitOptions = {},
): Promise<T> => {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
      last = value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`)
    }
    await delay(intervalMs)
  }
}
