/**
 * One timer for a whole fleet: every device's next reading (and staggered start) is an entry
 * in a min-heap, and a single clock timer is armed for the earliest.
 *
 * When it fires, due entries run in time order, at most `sliceSize` of them before yielding
 * to the event loop (setImmediate), so socket reads — PUBACKs, shadow deltas — and other
 * timers get their turn between slices. That is the fleet's event-loop budget: however many
 * devices fall due at once, the loop is never blocked for more than one slice. An entry runs
 * late when the process is busy; devices keep their own cadence (device.ts), and one that
 * fell a whole period behind skips rather than bursts, so an overloaded process publishes
 * less instead of piling up work. Tests drive the same scheduler with a manual clock.
 */
import type { Clock, Timer } from "./clock.ts"

interface Entry {
  at: number
  order: number
  task: (() => void) | undefined
}

export interface Scheduled {
  readonly cancel: () => void
}

export interface SchedulerOptions {
  /** Tasks run per turn of the event loop. Default 200. */
  readonly sliceSize?: number
}

export class Scheduler {
  private readonly heap: Entry[] = []
  private order = 0
  private timer: Timer | undefined
  private timerAt = Number.POSITIVE_INFINITY
  private draining = false
  private readonly sliceSize: number

  constructor(
    private readonly clock: Clock,
    options: SchedulerOptions = {},
  ) {
    this.sliceSize = Math.max(1, options.sliceSize ?? 200)
  }

  /** Entries waiting, cancelled ones included until they surface. */
  get size(): number {
    return this.heap.length
  }

  /** Runs `task` at clock time `at` (or as soon after as the budget allows). */
  at(at: number, task: () => void): Scheduled {
    const entry: Entry = { at, order: this.order++, task }
    this.push(entry)
    if (!this.draining && at < this.timerAt) this.arm()
    return {
      cancel: () => {
        entry.task = undefined
      },
    }
  }

  /** Cancels everything. */
  clear(): void {
    for (const entry of this.heap) entry.task = undefined
    this.heap.length = 0
    this.timer?.cancel()
    this.timer = undefined
    this.timerAt = Number.POSITIVE_INFINITY
  }

  private arm(): void {
    this.timer?.cancel()
    const head = this.heap[0]
    if (!head) {
      this.timer = undefined
      this.timerAt = Number.POSITIVE_INFINITY
      return
    }
    this.timerAt = head.at
    this.timer = this.clock.setTimer(head.at - this.clock.now(), () => {
      this.timer = undefined
      this.timerAt = Number.POSITIVE_INFINITY
      this.runSlice()
    })
  }

  private runSlice(): void {
    this.draining = true
    const now = this.clock.now()
    let ran = 0
    while (ran < this.sliceSize) {
      const head = this.heap[0]
      if (!head || head.at > now) break
      this.pop()
      const task = head.task
      if (!task) continue
      ran++
      try {
        task()
      } catch (error) {
        // A device's bug must not stop the fleet's clock; surface it without unwinding the loop.
        queueMicrotask(() => {
          throw error
        })
      }
    }
    const head = this.heap[0]
    if (head && head.at <= now) {
      setImmediate(() => this.runSlice())
      return
    }
    this.draining = false
    this.arm()
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order)
  }

  private push(entry: Entry): void {
    const heap = this.heap
    heap.push(entry)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }

  private pop(): Entry | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last) {
      heap[0] = last
      let i = 0
      for (;;) {
        const left = 2 * i + 1
        const right = left + 1
        let smallest = i
        if (left < heap.length && this.less(heap[left]!, heap[smallest]!)) smallest = left
        if (right < heap.length && this.less(heap[right]!, heap[smallest]!)) smallest = right
        if (smallest === i) break
        ;[heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!]
        i = smallest
      }
    }
    return top
  }
}
