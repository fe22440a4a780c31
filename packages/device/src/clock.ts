/**
 * The device's sense of time, injectable so tests need not wait for real intervals.
 *
 * A device reads `now()` for its `TIMESTAMP` and sleeps `wait_time` through `setTimer`. The
 * system clock is `Date.now` and `setTimeout`; `manualClock` moves only when a test calls
 * `advance`, firing due timers in time order and yielding to the event loop after each so the
 * network work they start (publishes, acknowledgements) can run. Transports keep real time for
 * their own retries and keep-alives: those talk to real sockets.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises"

export interface Timer {
  readonly cancel: () => void
}

export interface Clock {
  /** Epoch milliseconds. */
  readonly now: () => number
  /** Calls `callback` once, `delayMs` from now. */
  readonly setTimer: (delayMs: number, callback: () => void) => Timer
}

/** setTimeout refuses delays above 2^31-1 ms (it fires at once instead); longer sleeps are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (delayMs, callback) => {
    let handle: NodeJS.Timeout
    const arm = (remaining: number) => {
      handle = setTimeout(
        () => (remaining > MAX_TIMEOUT_MS ? arm(remaining - MAX_TIMEOUT_MS) : callback()),
        Math.min(Math.max(0, remaining), MAX_TIMEOUT_MS),
      )
    }
    arm(delayMs)
    return { cancel: () => clearTimeout(handle) }
  },
}

export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  readonly advance: (ms: number) => Promise<void>
  /** Timers not yet fired. */
  readonly pending: () => number
}

/** A clock that stands still until advanced. Default start: 2026-11-26T00:00:00Z. */
export const manualClock = (startMs = Date.UTC(2026, 10, 26)): ManualClock => {
  let now = startMs
  let order = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  const nextDue = (limit: number): [number, { at: number; callback: () => void }] | undefined => {
    let best: [number, { at: number; callback: () => void }] | undefined
    for (const entry of timers) {
      if (entry[1].at > limit) continue
      // Map iteration follows insertion order, so equal times fire in the order they were set.
      if (!best || entry[1].at < best[1].at) best = entry
    }
    return best
  }
  return {
    now: () => now,
    setTimer: (delayMs, callback) => {
      const id = order++
      timers.set(id, { at: now + Math.max(0, delayMs), callback })
      return { cancel: () => timers.delete(id) }
    },
    advance: async (ms) => {
      const target = now + ms
      for (;;) {
        const due = nextDue(target)
        if (!due) break
        timers.delete(due[0])
        now = due[1].at
        due[1].callback()
        await yieldToEventLoop()
      }
      now = target
      await yieldToEventLoop()
    },
    pending: () => timers.size,
  }
}
