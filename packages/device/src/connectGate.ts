/**
 * Bounded concurrency for connection attempts: at most `limit` devices of a fleet are in
 * their first handshake at once. TLS handshakes cost milliseconds of CPU each; ten thousand
 * started together would stall the event loop (and PUBACKs with it) for seconds, and brokers
 * throttle connection storms. A device holds its slot until its first connection succeeds or
 * its first attempt fails — never through a backoff sleep.
 */

export class ConnectGate {
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`connect concurrency must be ≥ 1, got ${limit}`)
  }

  /** Resolves with a release function once a slot is free; release is idempotent. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.active++
        let released = false
        resolve(() => {
          if (released) return
          released = true
          this.active--
          this.waiting.shift()?.()
        })
      }
      if (this.active < this.limit) grant()
      else this.waiting.push(grant)
    })
  }

  /** Devices waiting for a slot. */
  get queued(): number {
    return this.waiting.length
  }
}
