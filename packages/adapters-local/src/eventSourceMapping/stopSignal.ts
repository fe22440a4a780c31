/**
 * A stop request shared by a runner's shard loops: sleeps that end early when a stop is asked,
 * so an idle or backing-off loop stops at once while an invocation in flight runs to its end.
 */
export class StopSignal {
  stopping = false
  private readonly wakers = new Set<() => void>()

  /** Sleeps `ms`, or less if a stop is requested meanwhile. */
  sleep(ms: number): Promise<void> {
    if (this.stopping || ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        this.wakers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.wakers.add(wake)
    })
  }

  stop(): void {
    this.stopping = true
    for (const wake of [...this.wakers]) wake()
  }
}
